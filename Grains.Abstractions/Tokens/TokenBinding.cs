namespace Plural.Grains.Tokens;

/// <summary>Which agent token a hash stands for.</summary>
[GenerateSerializer, Immutable, Alias("plural.tokens.TokenBinding")]
public sealed record TokenBinding(
    [property: Id(0)] string AgentName,
    [property: Id(1)] string TokenId,
    [property: Id(2)] DateTimeOffset? RevokedAt = null)
{
    /// <summary>True while the token may be used.</summary>
    public bool IsActive => RevokedAt is null;
}
