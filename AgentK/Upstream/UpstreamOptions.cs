namespace Plural.AgentK.Upstream;

/// <summary>Where and how the agent reaches its Kubernetes API server. Section <c>Agent:Upstream</c>.</summary>
internal sealed class UpstreamOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Upstream";

    /// <summary>In-cluster service account token, used when <see cref="BearerTokenFile"/> is not configured and the file exists.</summary>
    public const string InClusterTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>In-cluster certificate authority, used when <see cref="CaFile"/> is not configured and the file exists.</summary>
    public const string InClusterCaFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    /// <summary>Base address of the upstream; the tunnel path and query are appended to it.</summary>
    public string Url { get; set; } = "https://kubernetes.default.svc";

    /// <summary>File holding the bearer token presented to the upstream; re-read when it changes. Empty means no credentials.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>PEM file with the certificate authorities trusted for the upstream.</summary>
    public string? CaFile { get; set; }

    /// <summary>Accept any upstream certificate. For development only.</summary>
    public bool InsecureSkipTlsVerify { get; set; }

    /// <summary>How long establishing a connection to the upstream may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
