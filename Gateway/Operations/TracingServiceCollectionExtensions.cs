using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Plural.Gateway.Listeners;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Operations;

/// <summary>
/// The gateway's spans exported over OTLP, configured by the standard OpenTelemetry variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_BSP_SCHEDULE_DELAY</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, ...).
/// </summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>The variable whose presence turns tracing on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name spans carry unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public const string ServiceName = "plural-gateway";

    /// <summary>
    /// Adds the tracer provider and its OTLP exporter when <see cref="EndpointVariable"/> is set; otherwise nothing,
    /// so no listener exists and the proxy starts no span.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointVariable]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(ServiceName, serviceVersion: BuildVersion.Current);
                }
            })
            .WithTracing(tracing => tracing.AddSource(GatewayTracing.SourceName).AddOtlpExporter());
        return services;
    }
}
