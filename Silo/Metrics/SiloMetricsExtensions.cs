using OpenTelemetry.Metrics;
using Plural.Gateway.Metrics;

namespace Plural.Silo.Metrics;

/// <summary>Prometheus <c>/metrics</c> of a silo-only process: Orleans' own meter (activations, messaging, streams, storage).</summary>
public static class SiloMetricsExtensions
{
    /// <summary>Adds the exporter with Orleans' meter.</summary>
    public static IServiceCollection AddSiloMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricsServiceCollectionExtensions.OrleansMeter, "Microsoft.AspNetCore.Hosting")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c>.</summary>
    public static IEndpointConventionBuilder MapSiloMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsServiceCollectionExtensions.ScrapePath);
}
