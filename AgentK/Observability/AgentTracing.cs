using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Observability;

/// <summary>
/// The agent's spans: one server span per tunnelled request, continuing the trace the gateway handed down, and a
/// client span for its call to the upstream. Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// standard OpenTelemetry variables configure the exporter); otherwise the source has no listener and no span starts.
/// </summary>
internal static class AgentTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "Plural.AgentK";

    /// <summary>The variable whose presence turns tracing on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name spans carry unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public const string ServiceName = "plural-agentk";

    /// <summary>The source every agent span comes from.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Adds the tracer provider and its OTLP exporter when <see cref="EndpointVariable"/> is set.</summary>
    public static IServiceCollection AddAgentTracing(this IServiceCollection services, IConfiguration configuration)
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
                    resource.AddService(ServiceName, serviceVersion: BuildVersion.Current,
                        serviceInstanceId: configuration["Agent:InstanceId"] ?? configuration["POD_NAME"] ?? Environment.MachineName);
                }
            })
            .WithTracing(tracing => tracing.AddSource(SourceName).AddOtlpExporter());
        return services;
    }
}
