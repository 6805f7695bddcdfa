using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Listeners;

/// <summary>Listeners and identity of one gateway. Bound from the <c>Gateway</c> section.</summary>
internal sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway";

    /// <summary>Stable name of this gateway in leases and status. Default: host name plus a random suffix.</summary>
    public string? Id { get; set; }

    /// <summary>Where agents connect (gRPC over HTTP/2).</summary>
    [Required] public string AgentListenUrl { get; set; } = "https://127.0.0.1:8150";

    /// <summary>Where the main application calls <c>ServerApi</c> (gRPC over HTTP/2).</summary>
    [Required] public string ApiListenUrl { get; set; } = "https://127.0.0.1:8153";

    /// <summary>Where users reach agents over HTTP/1.1 (proxy, health).</summary>
    [Required] public string HttpListenUrl { get; set; } = "https://127.0.0.1:8154";

    /// <summary>
    /// Where probes, metrics and admin calls are served. Required outside <see cref="AllowInsecure"/>, so that they
    /// are never reachable through the public HTTP listener; when empty (tests), they are served on the HTTP listener.
    /// </summary>
    public string? OperationsListenUrl { get; set; }

    /// <summary>PEM certificate (chain) for listeners given as <c>https://</c>.</summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary>
    /// Permits <c>http://</c> (plain text) listeners and a gateway without a peer secret. For tests and local
    /// experiments on loopback only; without it the gateway refuses to start unless every listener is <c>https://</c>.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>How gateways authenticate to each other on the private hop.</summary>
    public PeerOptions Peer { get; set; } = new();

    /// <summary>PEM private key of <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Address other gateways use to reach this one; recorded in leases. Default: the HTTP listener.</summary>
    public string? PrivateAddress { get; set; }

    /// <summary>Bearer token the main application presents to <c>ServerApi</c>.</summary>
    public string? AdminToken { get; set; }

    /// <summary>File holding the admin token, read again when it changes; used when <see cref="AdminToken"/> is empty.</summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>
    /// File of named admin credentials stored as hashes, one per line: <c>&lt;name&gt; sha256:&lt;hex&gt;</c>. Several may be
    /// valid at once (rotation with overlap); read again when it changes. Preferred over <see cref="AdminToken"/>.
    /// </summary>
    public string? AdminTokensFile { get; set; }

    /// <summary>
    /// Concurrent HTTP/2 streams per connection. An agent keeps its whole tunnel pool on one connection,
    /// so this bounds the pool size (Kestrel's default of 100 is below the agent's default maximum of 500).
    /// </summary>
    [Range(16, 100_000)] public int Http2MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>Interval of HTTP/2 keepalive pings to agents; below the common 60 s load-balancer idle timeout.</summary>
    public TimeSpan KeepAlivePingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A keepalive ping unanswered this long drops the connection with its session and tunnels. With
    /// <see cref="KeepAlivePingInterval"/> it bounds how long a silent (half-open) agent connection is believed:
    /// interval plus timeout, 50 s by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often agents send a session heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(20);
}
