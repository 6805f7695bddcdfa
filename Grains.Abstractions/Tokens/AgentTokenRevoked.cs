namespace Plural.Grains.Tokens;

/// <summary>
/// An agent token was revoked (alone, or with its agent). Published by the agent grain on
/// <see cref="Streams.StreamNames.AgentTokens"/> under <see cref="FleetKey"/>; every gateway closes the sessions and
/// tunnels the token opened.
/// </summary>
/// <param name="AgentName">The agent the token belonged to.</param>
/// <param name="TokenId">The token's id.</param>
/// <param name="TokenHash">The token's hash, the key gateways cache its resolution under (never the secret).</param>
[GenerateSerializer, Immutable, Alias("plural.tokens.AgentTokenRevoked")]
public sealed record AgentTokenRevoked(
    [property: Id(0)] string AgentName,
    [property: Id(1)] string TokenId,
    [property: Id(2)] string TokenHash)
{
    /// <summary>The one stream key every revocation is published under.</summary>
    public const string FleetKey = "*";
}
