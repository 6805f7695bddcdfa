using OpenTelemetry.Metrics;
using Plural.Gateway.Listeners;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Operations;

/// <summary>Prometheus metrics of a gateway (and of the silo when co-hosted) through OpenTelemetry.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Orleans' own meter: activations, messaging, streams, storage.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The scrape route.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>Adds the gateway's gauges and the exporter, with Orleans' and ASP.NET Core's meters.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddSingleton<GatewayGauges>();
        BuildInfoMeter.Ensure();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, BuildInfoMeter.Name, OrleansMeter, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c> on the operations listener.</summary>
    public static IEndpointConventionBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        // The gauges read registries on scrape; resolving here creates the instruments before the first scrape.
        endpoints.ServiceProvider.GetRequiredService<GatewayGauges>();
        endpoints.ServiceProvider.GetRequiredService<GatewayMetrics>();
        return endpoints.MapPrometheusScrapingEndpoint(ScrapePath).WithMetadata(ListenerMetadata.Operations(endpoints));
    }
}
