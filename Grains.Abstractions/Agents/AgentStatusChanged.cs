namespace Plural.Grains.Agents;

/// <summary>
/// An agent became reachable (its first lease) or unreachable (its last lease dropped or lapsed), or one of its
/// processes reported health conditions that changed (<see cref="AgentConditionChanges"/>) while it stayed reachable.
/// Published by the agent grain on <see cref="Streams.StreamNames.AgentStatus"/>, once keyed by the agent and once under
/// <see cref="FleetKey"/> for subscribers that watch every agent.
/// </summary>
/// <param name="AgentId">The agent's name.</param>
/// <param name="Connected">True when the agent became reachable, false when it stopped being reachable.</param>
/// <param name="GatewayId">The gateway whose lease caused the change.</param>
/// <param name="InstanceId">The agent process behind that lease.</param>
/// <param name="At">When the change happened, by the agent grain's clock.</param>
/// <param name="Conditions">
/// The health conditions <see cref="InstanceId"/> reported with the lease renewal that caused the change; null when the
/// change came without a renewal (a lease dropped or lapsed) or from an agent that reports none.
/// </param>
/// <param name="ConditionsOnly">
/// True when the agent stayed reachable and only <see cref="Conditions"/> changed; subscribers that track connections
/// must not read it as a new connection.
/// </param>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentStatusChanged")]
public sealed record AgentStatusChanged(
    [property: Id(0)] string AgentId,
    [property: Id(1)] bool Connected,
    [property: Id(2)] string GatewayId,
    [property: Id(3)] string InstanceId,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] IReadOnlyList<AgentHealthCondition>? Conditions = null,
    [property: Id(6)] bool ConditionsOnly = false)
{
    /// <summary>
    /// Stream key carrying the status changes of every agent. Agent names are RFC 1123 labels, so it never
    /// collides with one.
    /// </summary>
    public const string FleetKey = "*";
}
