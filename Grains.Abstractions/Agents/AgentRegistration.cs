namespace Plural.Grains.Agents;

/// <summary>What an operator said about an agent when registering it.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentRegistration")]
public sealed record AgentRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset CreatedAt);
