using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Patching;

/// <summary>
/// Strategic merge patch for built-in kinds: lists named in the kind's merge keys merge item by item
/// (containers by name, ports by containerPort…), other lists replace, and the <c>$patch</c>,
/// <c>$setElementOrder</c>, <c>$retainKeys</c> and <c>$deleteFromPrimitiveList</c> directives are honoured.
/// </summary>
internal static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    /// <summary>Primitive lists whose patch strategy is "merge" (set union) rather than replace.</summary>
    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    public static JsonObject Apply(JsonObject target, JsonObject patch, IReadOnlyDictionary<string, string> mergeKeys) =>
        MergeObject((JsonObject)target.DeepClone(), patch, mergeKeys) ?? new JsonObject();

    /// <summary>Adds <c>$setElementOrder</c> for every keyed list of a full configuration, so merging keeps its order.</summary>
    public static void KeepListOrder(JsonObject patch, IReadOnlyDictionary<string, string> mergeKeys)
    {
        foreach (var (key, value) in patch.ToList())
        {
            switch (value)
            {
                case JsonObject child:
                    KeepListOrder(child, mergeKeys);
                    break;
                case JsonArray list when mergeKeys.TryGetValue(key, out var mergeKey) && list.All(i => i is JsonObject o && o[mergeKey] is not null):
                    foreach (var item in list.OfType<JsonObject>()) KeepListOrder(item, mergeKeys);
                    patch[SetElementOrder + key] = new JsonArray(list.Select(i => (JsonNode)new JsonObject { [mergeKey] = i![mergeKey]!.DeepClone() }).ToArray());
                    break;
            }
        }
    }

    private static JsonObject? MergeObject(JsonObject target, JsonObject patch, IReadOnlyDictionary<string, string> mergeKeys)
    {
        switch (patch[Directive]?.GetValue<string>())
        {
            case "delete": return null;
            case "replace":
                var replacement = (JsonObject)patch.DeepClone();
                replacement.Remove(Directive);
                return replacement;
            case null: break;
            case var other: throw Errors.BadRequest($"Unknown patch directive: {other}");
        }
        foreach (var (key, value) in patch)
        {
            if (key is Directive or "$retainKeys" || key.StartsWith(SetElementOrder, StringComparison.Ordinal)) continue;
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (target[field] is JsonArray list && value is JsonArray drop)
                {
                    foreach (var item in list.Where(i => drop.Any(d => JsonNode.DeepEquals(d, i))).ToList()) list.Remove(item);
                }
                continue;
            }
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            var merged = MergeValue(key, target[key], value, mergeKeys);
            if (merged.Deleted) target.Remove(key);
            else target[key] = merged.Value;
        }
        foreach (var (key, value) in patch.Where(kv => kv.Key.StartsWith(SetElementOrder, StringComparison.Ordinal)).ToList())
        {
            var field = key[SetElementOrder.Length..];
            if (target[field] is JsonArray list && value is JsonArray order) target[field] = Reorder(list, order, mergeKeys.GetValueOrDefault(field));
        }
        return target;
    }

    /// <summary>
    /// <c>$setElementOrder</c>: the items named in the directive come first, in its order; items only the
    /// server knows keep their relative order after them.
    /// </summary>
    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        JsonNode? KeyOf(JsonNode? item) => mergeKey is not null && item is JsonObject o ? o[mergeKey] : item;
        var items = list.ToList();
        var ordered = order
            .Select(entry => items.FirstOrDefault(i => JsonNode.DeepEquals(KeyOf(i), KeyOf(entry))))
            .Where(i => i is not null)
            .Distinct()
            .ToList();
        var rest = items.Where(i => !ordered.Contains(i));
        return new JsonArray(ordered.Concat(rest).Select(i => i?.DeepClone()).ToArray());
    }

    private static (JsonNode? Value, bool Deleted) MergeValue(string field, JsonNode? current, JsonNode patch, IReadOnlyDictionary<string, string> mergeKeys)
    {
        switch (patch)
        {
            case JsonObject po:
                var merged = MergeObject(current as JsonObject ?? new JsonObject(), po, mergeKeys);
                return merged is null ? (null, true) : (merged, false);
            case JsonArray pa when mergeKeys.TryGetValue(field, out var mergeKey):
                return (MergeList(current as JsonArray, pa, mergeKey, mergeKeys), false);
            case JsonArray pa when MergedPrimitiveLists.Contains(field):
                var union = current is JsonArray ca ? (JsonArray)ca.DeepClone() : new JsonArray();
                foreach (var item in pa.Where(i => !union.Any(u => JsonNode.DeepEquals(u, i)))) union.Add(item?.DeepClone());
                return (union, false);
            default:
                return (patch.DeepClone(), false);
        }
    }

    private static JsonArray MergeList(JsonArray? current, JsonArray patch, string mergeKey, IReadOnlyDictionary<string, string> mergeKeys)
    {
        if (patch.OfType<JsonObject>().Any(i => i[Directive]?.GetValue<string>() == "replace"))
            return new JsonArray(patch.OfType<JsonObject>().Where(i => i[Directive] is null).Select(i => (JsonNode)i.DeepClone()).ToArray());
        var result = current is null ? new JsonArray() : (JsonArray)current.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject pi || pi[mergeKey] is not { } key)
            {
                result.Add(item?.DeepClone());
                continue;
            }
            var existing = result.OfType<JsonObject>().FirstOrDefault(i => JsonNode.DeepEquals(i[mergeKey], key));
            if (pi.Str(Directive) == "delete")
            {
                if (existing is not null) result.Remove(existing);
                continue;
            }
            if (existing is null)
            {
                var added = (JsonObject)pi.DeepClone();
                added.Remove(Directive);
                result.Add(added);
                continue;
            }
            var index = result.IndexOf(existing);
            var merged = MergeObject((JsonObject)existing.DeepClone(), pi, mergeKeys);
            result.RemoveAt(index);
            if (merged is not null) result.Insert(index, merged);
        }
        return result;
    }
}
