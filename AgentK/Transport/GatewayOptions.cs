namespace Plural.AgentK.Transport;

/// <summary>
/// How the agent reaches and identifies itself to its gateway. Bound from the top of the <c>Agent</c> section
/// (<c>Agent:GatewayUrl</c>, <c>Agent:Token</c>, ...); every key, its default and its unit is in <c>docs/agentk.md</c>.
/// </summary>
internal sealed class GatewayOptions
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

    /// <summary>HTTP/2 keepalive ping period towards the gateway; below the common 60 s idle timeout of load balancers.</summary>
    public TimeSpan KeepAlivePingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keepalive ping may stay unanswered before the gateway connection is considered dead.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// HTTP/2 receive window of one stream from the gateway, in bytes: larger than the protocol's 64 KiB so that one
    /// tunnel stream can fill a fast link; the agent reads promptly, so the window bounds memory per stream rather than
    /// growing it.
    /// </summary>
    public int Http2StreamWindowBytes { get; set; } = 1024 * 1024;
}
