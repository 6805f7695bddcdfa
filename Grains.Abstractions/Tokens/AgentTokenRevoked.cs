namespace Plural.Grains.Tokens;

/// <summary>
/// An agent token was revoked (alone, or with its agent). Sent by the agent grain through
/// <see cref="ITokenRevocationHubGrain"/> to every gateway, which closes the sessions and tunnels the token opened.
/// </summary>
/// <param name="AgentName">The agent the token belonged to.</param>
/// <param name="TokenId">The token's id.</param>
/// <param name="TokenHash">The token's hash, the key gateways cache its resolution under (never the secret).</param>
[GenerateSerializer, Immutable, Alias("plural.tokens.AgentTokenRevoked")]
public sealed record AgentTokenRevoked(
    [property: Id(0)] string AgentName,
    [property: Id(1)] string TokenId,
    [property: Id(2)] string TokenHash);
