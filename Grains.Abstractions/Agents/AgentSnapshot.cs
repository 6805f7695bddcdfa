namespace Plural.Grains.Agents;

/// <summary>An agent as an operator sees it: registration, tokens (without secrets) and live status.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentSnapshot")]
public sealed record AgentSnapshot(
    [property: Id(0)] AgentRegistration Registration,
    [property: Id(1)] IReadOnlyList<AgentTokenRecord> Tokens,
    [property: Id(2)] AgentConnectionStatus Status);
