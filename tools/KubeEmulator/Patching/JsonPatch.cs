using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Patching;

/// <summary>RFC 6902 JSON patch. A malformed document is 400; an operation that cannot apply is 422, as on the real server.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonArray ops) throw Errors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        var doc = target.DeepClone();
        foreach (var node in ops)
        {
            if (node is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
                throw Errors.BadRequest("json patch operation is missing \"op\" or \"path\"");
            switch (name)
            {
                case "add": doc = Add(doc, path, Value(op)); break;
                case "remove": Remove(doc, path); break;
                case "replace": Remove(doc, path); doc = Add(doc, path, Value(op)); break;
                case "move":
                    var moved = Get(doc, From(op)) ?? throw Fail($"missing value at {From(op)}");
                    Remove(doc, From(op));
                    doc = Add(doc, path, moved.DeepClone());
                    break;
                case "copy": doc = Add(doc, path, (Get(doc, From(op)) ?? throw Fail($"missing value at {From(op)}")).DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"])) throw Fail($"testing value {path} failed");
                    break;
                default: throw Errors.BadRequest($"Unexpected kind: {name}");
            }
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw Errors.BadRequest("json patch operation is missing \"value\"");

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw Errors.BadRequest("json patch operation is missing \"from\"");

    private static ApiException Fail(string message) => Errors.Unprocessable(message);

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw Errors.BadRequest($"invalid JSON pointer \"{pointer}\"");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode doc, string pointer)
    {
        JsonNode? node = doc;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string pointer)
    {
        var tokens = Tokens(pointer);
        var parentPointer = tokens.Length <= 1 ? "" : "/" + string.Join("/", tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1")));
        var parent = Get(doc, parentPointer) ?? throw Fail($"doc is missing path: \"{pointer}\"");
        return (parent, tokens[^1]);
    }

    private static JsonNode Add(JsonNode doc, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0) return value ?? throw Fail("cannot replace the document with null");
        var (parent, last) = Parent(doc, pointer);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Fail($"add operation does not apply: doc is missing path: \"{pointer}\"");
        }
        return doc;
    }

    private static void Remove(JsonNode doc, string pointer)
    {
        var (parent, last) = Parent(doc, pointer);
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed) throw Fail($"remove operation does not apply: doc is missing path: \"{pointer}\"");
    }

    private static bool RemoveAt(JsonArray a, int i)
    {
        a.RemoveAt(i);
        return true;
    }
}
