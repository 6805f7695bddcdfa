using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Tunnels;

/// <summary>How many tunnels an agent may hold. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
internal sealed class TunnelLimitOptions
{
    /// <summary>Configuration section name, shared by the limits of every room.</summary>
    public const string Section = "Gateway:Limits";

    /// <summary>Tunnel streams (idle and busy) one agent may hold open on this gateway (ResourceExhausted beyond).</summary>
    [Range(1, 100_000)] public int MaxTunnelsPerAgent { get; set; } = 1000;
}
