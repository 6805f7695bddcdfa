namespace Plural.Grains.Tokens;

/// <summary>
/// Maps one token hash (lower-case hex SHA-256, the grain key) to the agent it belongs to.
/// The secret itself never reaches a grain.
/// </summary>
[Alias("plural.tokens.IAgentTokenGrain")]
public interface IAgentTokenGrain : IGrainWithStringKey
{
    /// <summary>Binds the hash to an agent token. Rebinding the same token is a no-op.</summary>
    [Alias("Bind")]
    Task Bind(TokenBinding binding);

    /// <summary>The binding, or null when the hash is unknown.</summary>
    [Alias("Resolve")]
    Task<TokenBinding?> Resolve();

    /// <summary>Marks the token revoked; later resolutions report it so.</summary>
    [Alias("Revoke")]
    Task Revoke(DateTimeOffset revokedAt);
}
