namespace Plural.Gateway.Tunnels;

/// <summary>
/// The outcome of looking for a way to an agent: a claimed local tunnel, a peer gateway that holds the agent,
/// or the reason neither exists. Exactly one member is set.
/// </summary>
internal readonly record struct TunnelLocation(AgentTunnel? Tunnel, Grains.Agents.TunnelLease? Peer, TunnelUnavailable? Failure);
