namespace Plural.Grains.Agents;

/// <summary>
/// Whether the agent is connected anywhere, since when, and through which gateways.
/// <see cref="Since"/> is null for an agent that never connected.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentConnectionStatus")]
public sealed record AgentConnectionStatus(
    [property: Id(0)] bool Connected,
    [property: Id(1)] DateTimeOffset? Since,
    [property: Id(2)] IReadOnlyList<TunnelLease> Leases);
