namespace Plural.Grains.Agents;

/// <summary>
/// "Agent process <see cref="InstanceId"/> is connected to gateway <see cref="GatewayId"/> until <see cref="ExpiresAt"/>",
/// and, with <see cref="Leader"/>, "it is the replica that won the agent's leader election"; <see cref="Conditions"/> is
/// its health as of its last heartbeat.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.agents.TunnelLease")]
public sealed record TunnelLease(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string GatewayAddress,
    [property: Id(2)] string InstanceId,
    [property: Id(3)] string AgentVersion,
    [property: Id(4)] DateTimeOffset ConnectedAt,
    [property: Id(5)] int IdleTunnels,
    [property: Id(6)] int ActiveTunnels,
    [property: Id(7)] DateTimeOffset ExpiresAt,
    [property: Id(8)] bool Leader = false,
    [property: Id(9)] IReadOnlyList<AgentHealthCondition>? Conditions = null);
