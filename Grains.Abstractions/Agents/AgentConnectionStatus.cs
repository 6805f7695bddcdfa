namespace Plural.Grains.Agents;

/// <summary>
/// Whether the agent is connected anywhere, since when, and through which gateways.
/// <see cref="Since"/> is null for an agent that never connected.
/// </summary>
/// <param name="Connected">True while any gateway holds a live lease for the agent.</param>
/// <param name="Since">When the agent last went from disconnected to connected, or back.</param>
/// <param name="Leases">Where the agent can be reached now.</param>
/// <param name="LastSeen">
/// When a gateway last heard from the agent (its latest lease renewal, or the end of its last session); null for an
/// agent that never connected.
/// </param>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentConnectionStatus")]
public sealed record AgentConnectionStatus(
    [property: Id(0)] bool Connected,
    [property: Id(1)] DateTimeOffset? Since,
    [property: Id(2)] IReadOnlyList<TunnelLease> Leases,
    [property: Id(3)] DateTimeOffset? LastSeen = null)
{
    /// <summary>
    /// The instance that leads the agent's replicas, or null when none of the connected ones does. During a handover
    /// two leases may say so for a moment; the one renewed last (the new leader renews at once) wins.
    /// </summary>
    public string? LeaderInstanceId =>
        Leases.Where(l => l.Leader).OrderByDescending(l => l.ExpiresAt).FirstOrDefault()?.InstanceId;

    /// <summary>Distinct agent processes connected now: a replica connected through two gateways counts once.</summary>
    public int Replicas => Leases.Select(l => l.InstanceId).Distinct(StringComparer.Ordinal).Count();
}
