namespace Plural.Grains.Access;

/// <summary>How requests through the Kubernetes proxy present themselves to one agent's cluster.</summary>
/// <param name="Mode">Which identity the cluster sees.</param>
/// <param name="FixedUser">The user for <see cref="ClusterIdentityMode.FixedIdentity"/>.</param>
/// <param name="FixedGroups">The groups for <see cref="ClusterIdentityMode.FixedIdentity"/>.</param>
[GenerateSerializer, Immutable, Alias("plural.access.AgentAccessPolicy")]
public sealed record AgentAccessPolicy(
    [property: Id(0)] ClusterIdentityMode Mode,
    [property: Id(1)] string FixedUser,
    [property: Id(2)] IReadOnlyList<string> FixedGroups)
{
    /// <summary>The default: impersonate the calling user.</summary>
    public static AgentAccessPolicy Default { get; } = new(ClusterIdentityMode.ImpersonateUser, "", []);
}
