using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Json;

/// <summary>Small navigation helpers over <see cref="JsonObject"/> trees that stand for Kubernetes objects.</summary>
internal static class JsonTree
{
    /// <summary>Options used for every object written back to clients.</summary>
    public static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = false };

    /// <summary>
    /// Forces every lazily parsed node to materialise. Stored objects are read by many threads at once
    /// (watchers, list handlers), and a <see cref="JsonObject"/> parsed from text initialises its
    /// dictionary on first access, which is not safe to race.
    /// </summary>
    public static T Freeze<T>(T node) where T : JsonNode
    {
        Walk(node);
        return node;

        static void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var kv in o) Walk(kv.Value);
                    break;
                case JsonArray a:
                    foreach (var item in a) Walk(item);
                    break;
            }
        }
    }

    public static JsonObject CloneObject(this JsonObject o) => (JsonObject)o.DeepClone();

    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(segment, out node)) return null;
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(this JsonNode? node, params string[] path)
    {
        if (node.At(path) is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out l)) return l;
        return null;
    }

    public static bool? Bool(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static JsonObject Obj(this JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static JsonObject Metadata(this JsonObject o) => o.Obj("metadata");

    public static string Name(this JsonObject o) => o.Str("metadata", "name") ?? "";

    public static string? Namespace(this JsonObject o) => o.Str("metadata", "namespace");

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject o) => StringMap(o.At("metadata", "labels"));

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                if (v is JsonValue value && value.TryGetValue<string>(out var s)) map[k] = s;
            }
        }
        return map;
    }

    public static IEnumerable<JsonObject> Objects(this JsonNode? node) =>
        node is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node) =>
        node is JsonArray a ? a.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : [];

    /// <summary>Parses a request body, mapping syntax errors to the caller's error handling.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
}
