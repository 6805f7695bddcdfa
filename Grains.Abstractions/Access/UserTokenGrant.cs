namespace Plural.Grains.Access;

/// <summary>What a user access token allows: who the user is, and which agents the token reaches.</summary>
/// <param name="TokenId">Public id of the token (also its grain key); the secret is never stored.</param>
/// <param name="Hash">SHA-256 (hex) of the whole token.</param>
/// <param name="User">The user's name, as the main application knows it.</param>
/// <param name="Groups">The user's groups (passed on to the cluster when impersonating).</param>
/// <param name="Agents">Agents the token may reach; <c>*</c> alone means every agent.</param>
/// <param name="CreatedAt">When the token was issued.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
[GenerateSerializer, Immutable, Alias("plural.access.UserTokenGrant")]
public sealed record UserTokenGrant(
    [property: Id(0)] string TokenId,
    [property: Id(1)] string Hash,
    [property: Id(2)] string User,
    [property: Id(3)] IReadOnlyList<string> Groups,
    [property: Id(4)] IReadOnlyList<string> Agents,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset? RevokedAt = null)
{
    /// <summary>The value of <see cref="Agents"/> that grants every agent.</summary>
    public const string AllAgents = "*";

    /// <summary>True when the token reaches <paramref name="agentName"/>.</summary>
    public bool Reaches(string agentName) => Agents.Contains(AllAgents) || Agents.Contains(agentName);

    /// <summary>True when not revoked and not expired at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
