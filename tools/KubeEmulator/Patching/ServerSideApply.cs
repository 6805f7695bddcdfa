using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Patching;

/// <summary>
/// Server-side apply: merges an applied configuration into the live object, tracks what each field
/// manager owns, refuses to change another manager's field (409 with the conflicting paths) unless
/// forced, and removes fields a manager stopped applying when nobody else owns them.
/// </summary>
internal static class ServerSideApply
{
    public static JsonObject Apply(ResourceKind kind, JsonObject? live, JsonObject applied, string manager, bool force, string? subresource, DateTimeOffset now)
    {
        var statusOnly = subresource == "status";
        var appliedFields = FieldPaths.Of(applied, kind.MergeKeys, statusOnly);
        var entries = live is null ? [] : ManagedFieldEntry.Read(live);
        var others = entries.Where(e => !e.SameOwner(manager, ManagedFieldEntry.Apply, subresource)).ToList();

        var conflicts = new List<(ManagedFieldEntry Owner, string Path)>();
        foreach (var path in appliedFields.Where(p => !FieldPaths.IsItem(p)))
        {
            foreach (var owner in others.Where(o => o.Fields.Contains(path)))
            {
                if (!FieldPaths.SameValue(FieldPaths.ValueAt(live, path), FieldPaths.ValueAt(applied, path))) conflicts.Add((owner, path));
            }
        }
        if (conflicts.Count > 0 && !force) throw ConflictError(kind, applied.Name(), conflicts);
        foreach (var (owner, path) in conflicts) owner.Fields.Remove(path);

        var previous = entries.FirstOrDefault(e => e.SameOwner(manager, ManagedFieldEntry.Apply, subresource));
        var result = live is null ? new JsonObject() : live.CloneObject();
        var patch = applied.CloneObject();
        patch.Remove("metadata");
        if (applied["metadata"] is JsonObject appliedMetadata)
        {
            var metadataPatch = new JsonObject();
            foreach (var name in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
            {
                if (appliedMetadata[name] is { } value) metadataPatch[name] = value.DeepClone();
            }
            patch["metadata"] = metadataPatch;
        }
        StrategicMergePatch.KeepListOrder(patch, kind.MergeKeys);
        result = StrategicMergePatch.Apply(result, patch, kind.MergeKeys);
        if (live is null && applied["metadata"] is JsonObject m)
        {
            foreach (var name in new[] { "name", "namespace", "generateName" })
            {
                if (m[name] is { } value) result.Metadata()[name] = value.DeepClone();
            }
        }

        if (previous is not null)
        {
            var dropped = previous.Fields.Except(appliedFields).OrderByDescending(p => p.Length);
            foreach (var path in dropped)
            {
                var stillOwned = others.Any(o => o.Fields.Any(f => f == path || f.StartsWith(path + FieldPaths.Separator, StringComparison.Ordinal)));
                if (!stillOwned) FieldPaths.Remove(result, path);
            }
            entries.Remove(previous);
        }
        entries.Add(new ManagedFieldEntry(manager, ManagedFieldEntry.Apply, kind.ApiVersion, subresource, KubeTime.Format(now), appliedFields));
        ManagedFieldEntry.Write(result, entries);
        return result;
    }

    private static ApiException ConflictError(ResourceKind kind, string name, List<(ManagedFieldEntry Owner, string Path)> conflicts)
    {
        string Using(ManagedFieldEntry o) => $"conflict with \"{o.Manager}\"" + (o.Operation == ManagedFieldEntry.Update ? "" : $" using {o.ApiVersion}");
        var byOwner = conflicts.GroupBy(c => c.Owner).ToList();
        var plural = conflicts.Count == 1 ? "conflict" : "conflicts";
        var message = byOwner.Count == 1 && conflicts.Count == 1
            ? $"Apply failed with 1 conflict: {Using(conflicts[0].Owner)}: {FieldPaths.Display(conflicts[0].Path)}"
            : $"Apply failed with {conflicts.Count} {plural}: " + string.Join("\n", byOwner.Select(g =>
                $"{Using(g.Key).Replace("conflict with", "conflicts with")}:\n" + string.Join("\n", g.Select(c => "- " + FieldPaths.Display(c.Path)))));
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = kind.Group,
            ["kind"] = kind.Plural,
            ["causes"] = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = Using(c.Owner),
                ["field"] = FieldPaths.Display(c.Path),
            }).ToArray()),
        };
        return new ApiException(409, "Conflict", message, details);
    }
}
