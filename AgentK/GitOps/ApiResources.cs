using System.Text.Json.Nodes;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Discovery for one sync: which resource serves a kind and whether it is namespaced, read once per group version.
/// Forgotten after CRDs are applied, so kinds they define are found in the same sync.
/// </summary>
internal sealed class ApiResources(KubernetesApplyClient api, string? actingAs)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, ApiResource>?> _byGroupVersion = new(StringComparer.Ordinal);

    /// <summary>
    /// The resource of <paramref name="kind"/> in <paramref name="apiVersion"/>; null when the cluster does not serve
    /// it. Throws <see cref="ApiResourcesUnavailableException"/> when discovery itself failed.
    /// </summary>
    public async Task<ApiResource?> FindAsync(string apiVersion, string kind, CancellationToken ct)
    {
        if (!_byGroupVersion.TryGetValue(apiVersion, out var resources))
        {
            resources = await ReadAsync(apiVersion, ct);
            _byGroupVersion[apiVersion] = resources;
        }

        return resources?.GetValueOrDefault(kind);
    }

    /// <summary>Forgets what was read, so kinds served since are found.</summary>
    public void Forget() => _byGroupVersion.Clear();

    private async Task<IReadOnlyDictionary<string, ApiResource>?> ReadAsync(string apiVersion, CancellationToken ct)
    {
        var path = apiVersion.Contains('/') ? $"/apis/{apiVersion}" : $"/api/{apiVersion}";
        var result = await api.GetAsync(path, ct, actingAs);
        if (result.NotFound)
        {
            return null;
        }

        if (!result.Succeeded || result.Body?["resources"] is not JsonArray list)
        {
            throw new ApiResourcesUnavailableException($"discovery of {apiVersion} failed: {result.Reason}");
        }

        var resources = new Dictionary<string, ApiResource>(StringComparer.Ordinal);
        foreach (var entry in list.OfType<JsonObject>())
        {
            var name = entry["name"]?.GetValue<string>();
            var kind = entry["kind"]?.GetValue<string>();
            // Subresources (pods/log, deployments/scale) share the kind name of something else.
            if (name is null || kind is null || name.Contains('/'))
            {
                continue;
            }

            resources[kind] = new ApiResource(apiVersion, kind, name, entry["namespaced"]?.GetValue<bool>() ?? false);
        }

        return resources;
    }
}
