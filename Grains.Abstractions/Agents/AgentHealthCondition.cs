namespace Plural.Grains.Agents;

/// <summary>
/// One aspect of an agent process's health as it reported it: <c>upstream</c> (its API server answers and authorises
/// it) or <c>informer/&lt;kind&gt;</c> (the kind's cache is synced), with what went wrong last when not ok.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentHealthCondition")]
public sealed record AgentHealthCondition(
    [property: Id(0)] string Type,
    [property: Id(1)] bool Ok,
    [property: Id(2)] string Message);
