namespace Plural.Grains.Access;

/// <summary>One user access token, keyed by its public id. Holds the hash, never the secret.</summary>
[Alias("plural.access.IUserTokenGrain")]
public interface IUserTokenGrain : IGrainWithStringKey
{
    /// <summary>Stores a newly issued token; fails when the id is already taken.</summary>
    [Alias("Issue")]
    Task Issue(UserTokenGrant grant);

    /// <summary>The grant when <paramref name="hash"/> matches (compared in constant time), whatever its validity; else null.</summary>
    [Alias("Resolve")]
    Task<UserTokenGrant?> Resolve(string hash);

    /// <summary>The token's metadata, or null when no such token was issued.</summary>
    [Alias("Get")]
    Task<UserTokenGrant?> Get();

    /// <summary>Revokes the token; false when no such token was issued.</summary>
    [Alias("Revoke")]
    Task<bool> Revoke();
}
