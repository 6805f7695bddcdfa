namespace Plural.Grains.Agents;

/// <summary>
/// A gateway's periodic claim on an agent connection. The grain sets the expiry from its own clock
/// (now + <see cref="TimeToLive"/>) so gateway clock skew cannot keep a dead lease alive. <see cref="Leader"/> says
/// the agent process holds its agent's leader election (always false for an agent that runs none);
/// <see cref="Conditions"/> are its health as of its last heartbeat (null from an agent that reports none).
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.agents.LeaseRenewal")]
public sealed record LeaseRenewal(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string GatewayAddress,
    [property: Id(2)] string InstanceId,
    [property: Id(3)] string AgentVersion,
    [property: Id(4)] string TokenId,
    [property: Id(5)] DateTimeOffset ConnectedAt,
    [property: Id(6)] int IdleTunnels,
    [property: Id(7)] int ActiveTunnels,
    [property: Id(8)] TimeSpan TimeToLive,
    [property: Id(9)] bool Leader = false,
    [property: Id(10)] IReadOnlyList<AgentHealthCondition>? Conditions = null);
