namespace Plural.Grains.Fleet;

/// <summary>
/// One agent process connected through one gateway, as listings show it (no tunnel counts: they change with every
/// renewal), with its health conditions as of its last heartbeat (null from an agent that reports none).
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.fleet.AgentListingConnection")]
public sealed record AgentListingConnection(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string InstanceId,
    [property: Id(2)] string AgentVersion,
    [property: Id(3)] DateTimeOffset ConnectedAt,
    [property: Id(4)] bool Leader,
    [property: Id(5)] IReadOnlyList<Agents.AgentHealthCondition>? Conditions = null);
