using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Cache;

/// <summary>
/// The cache's part of the agent's health: <c>upstream</c>, whether the API server answers the informers and
/// authorises the agent (401 and 403 are the operator's to fix: a wrong or missing service-account token, missing
/// RBAC), and one <c>informer/&lt;kind&gt;</c> per cached kind, synced or what its last list or watch got.
/// </summary>
internal sealed class CacheConditions(ClusterCache cache) : IConditionSource
{
    public IEnumerable<AgentCondition> Conditions()
    {
        if (!cache.Enabled)
        {
            yield break;
        }

        var stores = cache.Stores.OrderBy(s => s.Kind.GroupResource, StringComparer.Ordinal).ToList();
        // A refusal is the likelier cause of the other failures, so it is the one named.
        var failing = stores.Where(s => s.LastErrorStatus is 401 or 403)
            .Concat(stores.Where(s => s.LastError is not null && s.LastErrorStatus == 0)).ToList();
        yield return new AgentCondition
        {
            Type = "upstream",
            Ok = failing.Count == 0,
            Message = failing.Count switch
            {
                0 => "the API server answers",
                1 => failing[0].LastError,
                var n => $"{failing[0].LastError} and {n - 1} more kinds",
            },
        };
        foreach (var store in stores)
        {
            yield return new AgentCondition
            {
                Type = "informer/" + store.Kind.GroupResource,
                Ok = store.Synced && store.LastError is null,
                Message = store.LastError ?? (store.Synced ? $"synced, {store.Count} objects" : "listing"),
            };
        }
    }
}
