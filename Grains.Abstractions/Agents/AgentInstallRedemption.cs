namespace Plural.Grains.Agents;

/// <summary>The outcome of fetching an install link; <see cref="TokenSecret"/> is set only when it was redeemed now.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentInstallRedemption")]
public sealed record AgentInstallRedemption(
    [property: Id(0)] AgentInstallTicketState State,
    [property: Id(1)] string? TokenSecret = null);
