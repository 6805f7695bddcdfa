namespace Plural.Grains.Tokens;

/// <summary>Which agent token a hash stands for.</summary>
[GenerateSerializer, Immutable, Alias("plural.tokens.TokenBinding")]
public sealed record TokenBinding(
    [property: Id(0)] string AgentName,
    [property: Id(1)] string TokenId,
    [property: Id(2)] DateTimeOffset? RevokedAt = null,
    [property: Id(3)] DateTimeOffset? ExpiresAt = null)
{
    /// <summary>True unless the token was revoked.</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>True once the token's expiry has passed.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}
