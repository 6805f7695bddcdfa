using System.Diagnostics;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The gateway's spans (OpenTelemetry, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set): one server
/// span per proxied request and a client span for the hop to a peer gateway. With no exporter the source has no
/// listener, and every place that would start a span checks that first and does nothing else.
/// </summary>
internal static class GatewayTracing
{
    /// <summary>The activity source's name, for the tracer provider's <c>AddSource</c>.</summary>
    public const string SourceName = "Plural.Gateway";

    /// <summary>Attribute: the agent a request is for.</summary>
    public const string AgentAttribute = "plural.agent";

    /// <summary>Attribute: the gateway that recorded the span (its <c>Gateway:Id</c>).</summary>
    public const string GatewayAttribute = "plural.gateway";

    /// <summary>Attribute: the peer gateway a request was sent to.</summary>
    public const string PeerGatewayAttribute = "plural.peer_gateway";

    /// <summary>Attribute: the proxy route's name in metrics (<c>k8s-proxy</c>, <c>agents</c>).</summary>
    public const string RouteNameAttribute = "plural.route";

    /// <summary>The source every gateway span comes from.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>True when <paramref name="activity"/> is one of this gateway's own spans (not ASP.NET Core's request activity).</summary>
    public static bool IsOwn(Activity? activity) => activity is not null && ReferenceEquals(activity.Source, Source);
}
