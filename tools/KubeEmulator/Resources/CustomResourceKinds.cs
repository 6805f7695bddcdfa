using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Resources;

/// <summary>Turns a CustomResourceDefinition object into the kinds it serves, one per served version.</summary>
internal static class CustomResourceKinds
{
    public static IEnumerable<ResourceKind> From(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = spec.Str("group");
        var kind = names.Str("kind");
        var plural = names.Str("plural");
        if (spec is null || group is null || kind is null || plural is null) yield break;
        if (crd.At("metadata", "deletionTimestamp") is not null) yield break;
        foreach (var version in spec["versions"].Objects())
        {
            if (version.Bool("served") == false || version.Str("name") is not { } name) continue;
            yield return new ResourceKind(group, name, kind, plural, names.Str("singular") ?? kind.ToLowerInvariant(), spec.Str("scope") != "Cluster")
            {
                ShortNames = names?["shortNames"].Strings().ToList() ?? [],
                Categories = names?["categories"].Strings().ToList() ?? [],
                HasStatus = version.At("subresources", "status") is not null,
                HasScale = version.At("subresources", "scale") is not null,
                IsCustom = true,
                MergeKeys = MergeKeySets.None,
                Columns = Columns(version["additionalPrinterColumns"].Objects().ToList()),
            };
        }
    }

    private static IReadOnlyList<TableColumn> Columns(List<JsonObject> printerColumns)
    {
        if (printerColumns.Count == 0) return ColumnSets.Default;
        var columns = new List<TableColumn> { ColumnSets.Default[0] };
        foreach (var c in printerColumns)
        {
            var path = (c.Str("jsonPath") ?? "").TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
            var type = c.Str("type") ?? "string";
            columns.Add(new TableColumn(c.Str("name") ?? "", type == "date" ? "string" : type,
                (o, now) => type == "date" ? KubeTime.Age(o.Str(path), now) : o.At(path)?.DeepClone(),
                (int)(c.Long("priority") ?? 0), Description: c.Str("description") ?? ""));
        }
        if (!printerColumns.Any(c => c.Str("jsonPath") == ".metadata.creationTimestamp")) columns.Add(ColumnSets.Default[1]);
        return columns;
    }
}
