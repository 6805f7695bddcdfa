using OpenTelemetry.Metrics;
using Plural.Gateway.Operations;
using Plural.Grains.Git;
using Plural.Protocol.Hosting;

namespace Plural.Silo.Metrics;

/// <summary>
/// Prometheus <c>/metrics</c> of a silo: Orleans' own meter (activations, messaging, streams, storage) and the meters of
/// the platform's grains.
/// </summary>
public static class SiloMetricsExtensions
{
    /// <summary>Adds the exporter with Orleans' meter.</summary>
    public static IServiceCollection AddSiloMetrics(this IServiceCollection services)
    {
        BuildInfoMeter.Ensure();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricsServiceCollectionExtensions.OrleansMeter, BuildInfoMeter.Name, "Microsoft.AspNetCore.Hosting")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// Adds the meters of grains the silo hosts (the repository pollers') to the process's exporter: the silo's own, or
    /// the co-hosted gateway's.
    /// </summary>
    public static IServiceCollection AddGrainMeters(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(GitMetrics.MeterName));
        return services;
    }

    /// <summary>Maps <c>/metrics</c>.</summary>
    public static IEndpointConventionBuilder MapSiloMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsServiceCollectionExtensions.ScrapePath);
}
