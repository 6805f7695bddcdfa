namespace Plural.Grains.Agents;

/// <summary>Metadata of one agent token. Only the SHA-256 hash of the secret is kept.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentTokenRecord")]
public sealed record AgentTokenRecord(
    [property: Id(0)] string TokenId,
    [property: Id(1)] string Hash,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? RevokedAt = null,
    [property: Id(5)] DateTimeOffset? ExpiresAt = null)
{
    /// <summary>True unless the token was revoked (an expired token is still active, but no longer valid).</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>True while the token may be used at <paramref name="now"/>: neither revoked nor expired.</summary>
    public bool IsValidAt(DateTimeOffset now) => IsActive && !(ExpiresAt <= now);
}
