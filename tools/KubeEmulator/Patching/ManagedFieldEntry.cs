using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Patching;

/// <summary>One <c>metadata.managedFields</c> entry with its field set unpacked.</summary>
internal sealed record ManagedFieldEntry(string Manager, string Operation, string ApiVersion, string? Subresource, string Time, HashSet<string> Fields)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    public bool SameOwner(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && Subresource == subresource;

    public static List<ManagedFieldEntry> Read(JsonObject o) =>
        o.At("metadata", "managedFields").Objects().Select(e => new ManagedFieldEntry(
            e.Str("manager") ?? "",
            e.Str("operation") ?? Update,
            e.Str("apiVersion") ?? "",
            e.Str("subresource"),
            e.Str("time") ?? "",
            FieldPaths.FromFieldsV1(e["fieldsV1"]))).ToList();

    public static void Write(JsonObject o, IEnumerable<ManagedFieldEntry> entries)
    {
        var array = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            var entry = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldPaths.ToFieldsV1(e.Fields),
            };
            if (e.Subresource is not null) entry["subresource"] = e.Subresource;
            array.Add(entry);
        }
        if (array.Count == 0) o.Metadata().Remove("managedFields");
        else o.Metadata()["managedFields"] = array;
    }
}
