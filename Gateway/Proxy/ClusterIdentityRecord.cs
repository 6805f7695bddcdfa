using Plural.Grains.Access;
using Plural.Grains.Audit;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Proxy;

/// <summary>Writes down, for the audit record, the identity the cluster is about to see for a request.</summary>
internal static class ClusterIdentityRecord
{
    /// <summary>
    /// The identity under <paramref name="mode"/>: the impersonation the gateway chose, or, for the agent's service
    /// account, whatever the caller's own <c>Impersonate-User</c>/<c>Impersonate-Group</c> headers ask the cluster for.
    /// </summary>
    public static ClusterIdentityUsed Of(ClusterIdentityMode mode, Impersonation? chosen, IHeaderDictionary callerHeaders) =>
        chosen is not null
            ? new ClusterIdentityUsed(mode, chosen.User, [.. chosen.Groups])
            : new ClusterIdentityUsed(mode, callerHeaders["Impersonate-User"].FirstOrDefault() ?? "",
                [.. callerHeaders["Impersonate-Group"].Where(g => g is not null).Select(g => g!)]);
}
