namespace Plural.Grains.Agents;

/// <summary>What an install link hands out once: the agent and the secret of the token its manifests carry.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentInstallTicket")]
public sealed record AgentInstallTicket(
    [property: Id(0)] string AgentName,
    [property: Id(1)] string TokenSecret,
    [property: Id(2)] DateTimeOffset ExpiresAt);
