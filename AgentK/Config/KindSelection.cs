using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Dynamic;

namespace Plural.AgentK.Config;

/// <summary>
/// The kinds an agent configuration asks the informers to watch, read from <c>cached_kinds</c> against what the API
/// server serves (<see cref="ApiDiscovery"/>): plural names, kinds or short names (<c>pods</c>, <c>Deployment</c>,
/// <c>sts</c>), <c>plural.group</c> (<c>certificates.cert-manager.io</c>) or <c>group/version/resource</c>
/// (<c>apps/v1/deployments</c>, <c>v1/pods</c>), each with its options (<see cref="KindEntry"/>). Built-in kinds keep
/// their typed projections; any other resource is read as JSON. Entries the cluster does not serve (yet) are
/// rejected with why, and found by a later discovery (a CRD created afterwards).
/// </summary>
internal sealed record KindSelection(IReadOnlyDictionary<ResourceKind, KindBudget> Kinds, IReadOnlyList<string> Rejected)
{
    /// <param name="requested">The configuration's entries; empty means <paramref name="defaults"/>.</param>
    /// <param name="defaults">The agent's default kinds.</param>
    /// <param name="discovered">What the API server serves; null when discovery failed, then only built-in kinds are chosen.</param>
    /// <param name="budget">The budget of entries that set none.</param>
    /// <param name="api">The client JSON-read kinds list and watch with.</param>
    public static KindSelection Read(IEnumerable<string> requested, IReadOnlyList<string> defaults, IReadOnlyList<DiscoveredResource>? discovered,
        KindBudget budget, KubernetesJsonClient api)
    {
        var entries = requested.Select(r => r.Trim()).Where(r => r.Length > 0).ToList();
        if (entries.Count == 0)
        {
            entries = [.. defaults];
        }

        var kinds = new Dictionary<ResourceKind, KindBudget>();
        var rejected = new List<string>();
        foreach (var text in entries)
        {
            var entry = KindEntry.Parse(text, out var why);
            var (kind, reason) = entry is null ? (null, why) : Resolve(entry, discovered, api);
            if (kind is null)
            {
                rejected.Add($"{text}: {reason}");
            }
            else
            {
                kinds.TryAdd(kind, entry!.BudgetWithin(budget));
            }
        }

        return new KindSelection(kinds, rejected);
    }

    private static (ResourceKind? Kind, string? Reason) Resolve(KindEntry entry, IReadOnlyList<DiscoveredResource>? discovered, KubernetesJsonClient api)
    {
        var parts = entry.Resource.Split('/');
        var name = parts[^1];
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
        {
            return (null, "not a resource name (pods, certificates.cert-manager.io) or group/version/resource (apps/v1/deployments)");
        }

        var (group, version) = parts.Length switch
        {
            3 => (parts[0], parts[1]),
            2 => ("", parts[0]),
            _ => ((string?)null, (string?)null),
        };
        if (discovered is null)
        {
            // Discovery failed: the built-in kinds are still known, and the next configuration or CRD change retries.
            var builtIn = group is null ? ResourceKinds.Find(name) : ResourceKinds.Find(group, name);
            return builtIn is not null && (version is null || builtIn.Version == version)
                ? (builtIn.WithProjection(entry.Projection), null)
                : (null, "the API server's discovery could not be read; only built-in kinds can be chosen until it can");
        }

        var candidates = discovered.Where(r => group is null
                ? Named(r, name)
                : r.Group == group && r.Plural == name)
            .OrderBy(r => r.Group.Length)
            .ToList();
        if (candidates.Count == 0)
        {
            return (null, "the cluster does not serve it (a custom resource is cached once its definition is created)");
        }

        var resource = candidates[0];
        if (version is not null && resource.Version != version)
        {
            return (null, $"this agent caches {resource.Plural} as {resource.ApiVersion}/{resource.Plural}");
        }

        var typed = ResourceKinds.Find(resource.Group, resource.Plural);
        return typed is not null && typed.Version == resource.Version
            ? (typed.WithProjection(entry.Projection), null)
            : (new DynamicResourceKind(resource, entry.Projection, api), null);
    }

    private static bool Named(DiscoveredResource resource, string name) =>
        string.Equals(resource.Plural, name, StringComparison.OrdinalIgnoreCase) || string.Equals(resource.Kind, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(resource.GroupResource, name, StringComparison.OrdinalIgnoreCase)
        || resource.ShortNames.Any(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
}
