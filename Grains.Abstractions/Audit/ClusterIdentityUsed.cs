using Plural.Grains.Access;

namespace Plural.Grains.Audit;

/// <summary>The identity an agent's cluster saw for one request, as the agent's access policy chose it.</summary>
/// <param name="Mode">The policy's mode when the request was sent.</param>
/// <param name="User">
/// The impersonated user (the calling user's cluster name, or the fixed identity); for the agent's service account,
/// the user a caller asked to impersonate with its own <c>Impersonate-User</c> header, or "" when it asked none.
/// </param>
/// <param name="Groups">The impersonated groups, likewise.</param>
[GenerateSerializer, Immutable, Alias("plural.audit.ClusterIdentityUsed")]
public sealed record ClusterIdentityUsed(
    [property: Id(0)] ClusterIdentityMode Mode,
    [property: Id(1)] string User,
    [property: Id(2)] IReadOnlyList<string> Groups);
