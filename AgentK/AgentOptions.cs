using Plural.AgentK.Cache;
using Plural.AgentK.Connection;
using Plural.AgentK.Events;
using Plural.AgentK.GitOps;
using Plural.AgentK.Tunnels;
using Plural.AgentK.Upstream;
using Plural.AgentK.Views;

namespace Plural.AgentK;

/// <summary>
/// Settings of the agent, bound from the <c>Agent</c> configuration section.
/// Every key, its default and its unit is documented in <c>docs/agentk.md</c>.
/// </summary>
public sealed class AgentOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent";

    /// <summary>Environment variable accepted as the agent token when neither <see cref="Token"/> nor <see cref="TokenFile"/> is set.</summary>
    public const string TokenEnvironmentVariable = "AGENTK_TOKEN";

    /// <summary>Gateway address. <c>http://</c> means HTTP/2 cleartext with prior knowledge, <c>https://</c> means TLS. Required.</summary>
    public string GatewayUrl { get; set; } = "";

    /// <summary>PEM file with the certificate authorities trusted for the gateway (in addition to the system ones).</summary>
    public string? GatewayCaFile { get; set; }

    /// <summary>Name the gateway certificate must match when it differs from the host of <see cref="GatewayUrl"/>.</summary>
    public string? GatewayServerName { get; set; }

    /// <summary>
    /// HTTP proxy to reach the gateway through with <c>CONNECT</c> (<c>http://[user:password@]host:port</c>).
    /// Default: env <c>HTTPS_PROXY</c> or <c>HTTP_PROXY</c> unless <c>NO_PROXY</c> names the gateway; <c>direct</c> ignores them.
    /// </summary>
    public string? Proxy { get; set; }

    /// <summary>The agent token sent as <c>authorization: Bearer</c> on every call.</summary>
    public string? Token { get; set; }

    /// <summary>File holding the agent token; read on every dial so that a rotated token is picked up.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Identifies this agent process. Defaults to env <c>POD_NAME</c>, else host name and process id.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Listener for <c>/healthz</c>, <c>/readyz</c> and <c>/status</c>; empty disables it.</summary>
    public string ObservabilityUrl { get; set; } = "http://0.0.0.0:8080";

    /// <summary>How long in-flight requests may run after a stop signal before they are cut.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 keepalive ping period towards the gateway; below the common 60 s idle timeout of load balancers.</summary>
    public TimeSpan KeepAlivePingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keepalive ping may stay unanswered before the gateway connection is considered dead.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The Kubernetes API server the agent forwards requests to.</summary>
    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>Sizing of the pool of idle tunnel streams.</summary>
    public TunnelPoolOptions Tunnels { get; set; } = new();

    /// <summary>Backoff between attempts to reach the gateway.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>The informer cache (kinds watched, what is kept).</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>Cluster events sent up the session.</summary>
    public ClusterEventOptions Events { get; set; } = new();

    /// <summary>The precomputed cluster view sent up the session.</summary>
    public ClusterViewOptions Views { get; set; } = new();

    /// <summary>Applying manifests the server reads from Git.</summary>
    public GitOpsOptions GitOps { get; set; } = new();
}
