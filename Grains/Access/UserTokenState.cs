namespace Plural.Grains.Access;

/// <summary>Persisted state of <see cref="UserTokenGrain"/>.</summary>
[GenerateSerializer, Alias("plural.access.UserTokenState")]
public sealed class UserTokenState
{
    /// <summary>The grant; null until issued.</summary>
    [Id(0)] public UserTokenGrant? Grant { get; set; }
}
