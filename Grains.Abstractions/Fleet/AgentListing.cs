using Plural.Grains.Agents;

namespace Plural.Grains.Fleet;

/// <summary>
/// What listings show of one agent, kept by the directory so that a page of agents or the set of connected ones
/// costs no call per agent. Written by the agent's own grain on registration, on every change of its connections
/// and at least every few minutes while it is connected.
/// </summary>
/// <param name="Name">The agent's name.</param>
/// <param name="Labels">Its registration labels.</param>
/// <param name="Description">Its registration description.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="Connected">True while any gateway held a live lease for it when the listing was written.</param>
/// <param name="Since">When it last went from disconnected to connected, or back; null if it never connected.</param>
/// <param name="LastSeen">When a gateway last heard from it, as of the listing; null if it never connected.</param>
/// <param name="Connections">Its agent processes and the gateways they are connected through.</param>
[GenerateSerializer, Immutable, Alias("plural.fleet.AgentListing")]
public sealed record AgentListing(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] bool Connected,
    [property: Id(5)] DateTimeOffset? Since,
    [property: Id(6)] DateTimeOffset? LastSeen,
    [property: Id(7)] IReadOnlyList<AgentListingConnection> Connections)
{
    /// <summary>The instance that leads the agent's replicas, or null when none of the connected ones does.</summary>
    public string? LeaderInstanceId => Connections.FirstOrDefault(c => c.Leader)?.InstanceId;

    /// <summary>Distinct agent processes connected: a replica connected through two gateways counts once.</summary>
    public int Replicas => Connections.Select(c => c.InstanceId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>The listing of an agent read from its grain.</summary>
    public static AgentListing From(AgentSnapshot agent) => new(
        agent.Registration.Name,
        agent.Registration.Labels,
        agent.Registration.Description,
        agent.Registration.CreatedAt,
        agent.Status.Connected,
        agent.Status.Since,
        agent.Status.LastSeen,
        // Concrete lists: listings are stored, and a store that writes type names (Redis, as JSON) cannot read back the
        // compiler's own read-only list types that collection expressions make.
        agent.Status.Leases.Select(l => new AgentListingConnection(l.GatewayId, l.InstanceId, l.AgentVersion, l.ConnectedAt, l.Leader,
            l.Conditions?.ToList())).ToList());
}
