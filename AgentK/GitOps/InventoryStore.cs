using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Plural.AgentK.GitOps;

/// <summary>
/// The inventory of a sync target: a ConfigMap <c>plural-inventory-&lt;target&gt;</c> in the inventory namespace listing
/// the objects the target applied, so that what leaves Git can be pruned, across agent restarts.
/// </summary>
internal sealed partial class InventoryStore(KubernetesApplyClient api, string ns)
{
    /// <summary>Label on every inventory ConfigMap.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    /// <summary>Annotation holding the target's name as the server gave it.</summary>
    public const string TargetAnnotation = "plural.sh/sync-target";

    private const string ObjectsKey = "objects";
    private const int MaxNameLength = 253;

    public string Namespace => ns;

    /// <summary>The ConfigMap's name: the target in DNS form, with a hash when that form had to change it.</summary>
    public static string NameOf(string target)
    {
        var safe = UnsafeCharacters().Replace(target.ToLowerInvariant(), "-").Trim('-', '.');
        var name = "plural-inventory-" + safe;
        if (safe != target || name.Length > MaxNameLength)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target)))[..8];
            name = $"{name[..Math.Min(name.Length, MaxNameLength - 9)].TrimEnd('-', '.')}-{hash}";
        }

        return name;
    }

    /// <summary>What the target applied so far; empty when it never recorded anything.</summary>
    public async Task<IReadOnlyList<InventoryEntry>> ReadAsync(string target, CancellationToken ct)
    {
        var result = await api.GetAsync(PathOf(target), ct);
        if (result.NotFound)
        {
            return [];
        }

        if (!result.Succeeded)
        {
            throw new InventoryException($"reading inventory {ns}/{NameOf(target)} failed: {result.Reason}");
        }

        var text = result.Body?["data"]?[ObjectsKey]?.GetValue<string>();
        try
        {
            return text is null ? [] : JsonSerializer.Deserialize(text, InventoryJson.Default.ListInventoryEntry) ?? [];
        }
        catch (JsonException failure)
        {
            // A hand-edited inventory must not make the agent forget, and prune nothing it cannot read.
            throw new InventoryException($"inventory {ns}/{NameOf(target)} is unreadable: {failure.Message}");
        }
    }

    public async Task WriteAsync(string target, string repository, string commit, IReadOnlyList<InventoryEntry> entries, CancellationToken ct)
    {
        var configMap = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = NameOf(target),
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [ManagedByLabel] = KubernetesApplyClient.FieldManager },
                ["annotations"] = new JsonObject
                {
                    [TargetAnnotation] = target,
                    ["plural.sh/repository"] = repository,
                    ["plural.sh/commit"] = commit,
                },
            },
            ["data"] = new JsonObject { [ObjectsKey] = JsonSerializer.Serialize(entries.ToList(), InventoryJson.Default.ListInventoryEntry) },
        };
        var result = await api.ApplyAsync(PathOf(target), configMap.ToJsonString(), ct);
        if (!result.Succeeded)
        {
            throw new InventoryException($"recording inventory {ns}/{NameOf(target)} failed: {result.Reason}");
        }
    }

    public async Task DeleteAsync(string target, CancellationToken ct)
    {
        var result = await api.DeleteAsync(PathOf(target), ct);
        if (!result.Succeeded && !result.NotFound)
        {
            throw new InventoryException($"deleting inventory {ns}/{NameOf(target)} failed: {result.Reason}");
        }
    }

    private string PathOf(string target) => $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/configmaps/{NameOf(target)}";

    [GeneratedRegex("[^a-z0-9.-]+")]
    private static partial Regex UnsafeCharacters();
}
