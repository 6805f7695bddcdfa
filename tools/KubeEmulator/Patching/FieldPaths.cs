using System.Text.Json;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Patching;

/// <summary>
/// Field paths in the managed-fields vocabulary (<c>f:spec</c>, <c>k:{"name":"web"}</c>), kept as
/// newline-joined strings so sets of them are cheap to compare and to store.
/// </summary>
internal static class FieldPaths
{
    public const char Separator = '\n';

    private static readonly HashSet<string> UntrackedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generateName"];

    /// <summary>All leaf paths and keyed-item paths of an object, as a field manager would own them.</summary>
    public static HashSet<string> Of(JsonObject o, IReadOnlyDictionary<string, string> mergeKeys, bool statusOnly)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in o)
        {
            if (name is "apiVersion" or "kind" || value is null) continue;
            if ((name == "status") != statusOnly) continue;
            if (name == "metadata" && value is JsonObject metadata)
            {
                foreach (var (m, mv) in metadata)
                {
                    if (!UntrackedMetadata.Contains(m) && mv is not null) Walk(mv, "f:metadata" + Separator + "f:" + m, m, mergeKeys, set);
                }
                continue;
            }
            Walk(value, "f:" + name, name, mergeKeys, set);
        }
        return set;
    }

    private static void Walk(JsonNode node, string path, string field, IReadOnlyDictionary<string, string> mergeKeys, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, value) in o)
                {
                    if (value is not null) Walk(value, path + Separator + "f:" + name, name, mergeKeys, set);
                }
                break;
            case JsonArray a when a.Count > 0 && mergeKeys.TryGetValue(field, out var key) && a.All(i => i is JsonObject io && io[key] is not null):
                foreach (var item in a.OfType<JsonObject>())
                {
                    var itemPath = path + Separator + ItemKey(key, item[key]!);
                    set.Add(itemPath);
                    Walk(item, itemPath, "", mergeKeys, set);
                }
                break;
            default:
                set.Add(path);
                break;
        }
    }

    public static string ItemKey(string key, JsonNode value) => "k:" + new JsonObject { [key] = value.DeepClone() }.ToJsonString();

    public static bool IsItem(string path) => path[(path.LastIndexOf(Separator) + 1)..].StartsWith("k:", StringComparison.Ordinal);

    /// <summary>Finds the value a path points at, or null when it is absent.</summary>
    public static JsonNode? ValueAt(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split(Separator))
        {
            node = Step(node, segment, out _, out _);
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>Removes the field or list item a path points at; returns whether anything was removed.</summary>
    public static bool Remove(JsonObject root, string path)
    {
        var segments = path.Split(Separator);
        JsonNode? node = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            node = Step(node, segments[i], out _, out _);
            if (node is null) return false;
        }
        if (Step(node, segments[^1], out var parent, out var name) is null) return false;
        if (parent is JsonObject po && name is not null) return po.Remove(name);
        if (parent is JsonArray pa) return pa.Remove(ValueAt(node, segments[^1]));
        return false;
    }

    private static JsonNode? Step(JsonNode? node, string segment, out JsonNode? parent, out string? name)
    {
        parent = node;
        name = null;
        if (segment.StartsWith("f:", StringComparison.Ordinal) && node is JsonObject o)
        {
            name = segment[2..];
            return o[name];
        }
        if (segment.StartsWith("k:", StringComparison.Ordinal) && node is JsonArray a)
        {
            var key = JsonNode.Parse(segment[2..]) as JsonObject;
            return a.OfType<JsonObject>().FirstOrDefault(item => key!.All(kv => JsonNode.DeepEquals(item[kv.Key], kv.Value)));
        }
        return null;
    }

    /// <summary>Renders a path the way conflict messages show it: <c>.spec.template.spec.containers[name="web"].image</c>.</summary>
    public static string Display(string path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var segment in path.Split(Separator))
        {
            if (segment.StartsWith("f:", StringComparison.Ordinal)) text.Append('.').Append(segment[2..]);
            else if (JsonNode.Parse(segment[2..]) is JsonObject key)
                text.Append('[').Append(string.Join(",", key.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"))).Append(']');
        }
        return text.ToString();
    }

    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var segment in path.Split(Separator)) node = node.Obj(segment);
            if (IsItem(path)) node["."] = new JsonObject();
        }
        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonNode? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (fields is JsonObject o) Read(o, "", set);
        return set;

        static void Read(JsonObject o, string path, HashSet<string> set)
        {
            if (o.Count == 0 && path.Length > 0) set.Add(path);
            foreach (var (key, value) in o)
            {
                if (key == ".") set.Add(path);
                else if (value is JsonObject child) Read(child, path.Length == 0 ? key : path + Separator + key, set);
            }
        }
    }

    public static bool SameValue(JsonNode? a, JsonNode? b) =>
        JsonNode.DeepEquals(a, b) || (a is JsonValue va && b is JsonValue vb && va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number && va.ToJsonString() == vb.ToJsonString());
}
