using System.Text.Json;

namespace Plural.AgentK.Cache.Dynamic;

/// <summary>
/// Reads what the API server serves: <c>/api/v1</c>, then <c>/apis</c> and each group's preferred version. Only
/// resources that can be listed and watched count (no subresources). Read afresh on every call, so custom resources
/// appear and disappear as their definitions do.
/// </summary>
internal sealed class ApiDiscovery(KubernetesJsonClient api)
{
    public async Task<IReadOnlyList<DiscoveredResource>> DiscoverAsync(CancellationToken ct)
    {
        var found = new List<DiscoveredResource>();
        await AddAsync(found, "", "v1", "/api/v1", ct);
        using var groups = await api.GetAsync("/apis", ct);
        foreach (var group in groups?.RootElement.TryGetProperty("groups", out var list) == true ? list.EnumerateArray() : [])
        {
            var name = group.GetProperty("name").GetString() ?? "";
            var version = group.TryGetProperty("preferredVersion", out var preferred)
                ? preferred.GetProperty("version").GetString()
                : group.GetProperty("versions").EnumerateArray().FirstOrDefault().GetProperty("version").GetString();
            if (version is not null)
            {
                await AddAsync(found, name, version, $"/apis/{name}/{version}", ct);
            }
        }

        return found;
    }

    private async Task AddAsync(List<DiscoveredResource> found, string group, string version, string path, CancellationToken ct)
    {
        // A group version that went away between the two reads (a CRD deleted meanwhile) has nothing to add.
        using var resources = await api.GetAsync(path, ct);
        if (resources is null || !resources.RootElement.TryGetProperty("resources", out var list))
        {
            return;
        }

        foreach (var resource in list.EnumerateArray())
        {
            var plural = resource.GetProperty("name").GetString() ?? "";
            var verbs = resource.TryGetProperty("verbs", out var v) ? v.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
            if (plural.Contains('/') || !verbs.Contains("list") || !verbs.Contains("watch"))
            {
                continue;
            }

            var shortNames = resource.TryGetProperty("shortNames", out var s) ? s.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            found.Add(new DiscoveredResource(group, version, plural, resource.GetProperty("kind").GetString() ?? "",
                resource.TryGetProperty("namespaced", out var n) && n.GetBoolean(), shortNames));
        }
    }
}
