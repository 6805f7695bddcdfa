using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Install;

/// <summary>The one-line agent install: what its links and manifests carry. Section <c>Gateway:Install</c>.</summary>
public sealed class InstallOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Install";

    /// <summary>
    /// Base URL operators' machines reach this gateway's HTTP listener at, written into install links. Default: the
    /// HTTP listener's own URL, right for a single gateway; behind a load balancer set it to the public address.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// The URL agents in the cluster dial (the agent listener as the cluster reaches it), written into the Deployment
    /// as <c>Agent__GatewayUrl</c>. Default: the agent listener's own URL.
    /// </summary>
    public string? AgentGatewayUrl { get; set; }

    /// <summary>
    /// PEM CA bundle that signed the agent listener's certificate, shipped in the ConfigMap <c>agentk-gateway-ca</c> and
    /// pinned by the agent (<c>Agent:GatewayCaFile</c>). None when the certificate is publicly trusted.
    /// </summary>
    public string? GatewayCaFile { get; set; }

    /// <summary>The agent's image (<c>name:tag</c>). Default: the image <c>deploy/agentk/kustomization.yaml</c> names.</summary>
    public string? AgentImage { get; set; }

    /// <summary>How long an install link works if nobody fetches it. It works once either way.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")] public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
