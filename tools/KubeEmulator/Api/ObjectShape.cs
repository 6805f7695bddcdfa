using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// Type checks the real server gets from decoding into Go structs: metadata fields of the wrong JSON
/// type are a 400 decode error there, so they are here too, before any semantics run.
/// </summary>
internal static class ObjectShape
{
    private static readonly string[] StringFields = ["name", "generateName", "namespace", "resourceVersion", "uid"];

    public static void Check(JsonObject o)
    {
        foreach (var field in new[] { "apiVersion", "kind" }) RequireKind(o[field], JsonValueKind.String, field);
        if (!o.TryGetPropertyValue("metadata", out var metadataNode) || metadataNode is null) return;
        if (metadataNode is not JsonObject metadata) throw Mismatch("metadata", "v1.ObjectMeta", metadataNode);
        foreach (var field in StringFields) RequireKind(metadata[field], JsonValueKind.String, $"metadata.{field}");
        foreach (var map in new[] { "labels", "annotations" })
        {
            if (metadata[map] is null) continue;
            if (metadata[map] is not JsonObject entries) throw Mismatch($"metadata.{map}", "map[string]string", metadata[map]!);
            foreach (var (key, value) in entries) RequireKind(value, JsonValueKind.String, $"metadata.{map}.{key}");
        }
        if (metadata["finalizers"] is { } finalizers)
        {
            if (finalizers is not JsonArray list) throw Mismatch("metadata.finalizers", "[]string", finalizers);
            foreach (var item in list) RequireKind(item, JsonValueKind.String, "metadata.finalizers");
        }
        if (metadata["ownerReferences"] is { } owners && (owners is not JsonArray refs || refs.Any(r => r is not JsonObject)))
            throw Mismatch("metadata.ownerReferences", "[]v1.OwnerReference", owners);
    }

    private static void RequireKind(JsonNode? node, JsonValueKind kind, string field)
    {
        if (node is null) return;
        if (node is not JsonValue value || value.GetValueKind() != kind) throw Mismatch(field, "string", node);
    }

    private static ApiException Mismatch(string field, string goType, JsonNode node) =>
        Errors.BadRequest($"json: cannot unmarshal {node.GetValueKind().ToString().ToLowerInvariant()} into Go struct field {field} of type {goType}");
}
