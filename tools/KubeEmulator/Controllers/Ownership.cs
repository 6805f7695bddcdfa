using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Owner references: who controls what.</summary>
internal static class Ownership
{
    public static string Uid(this JsonObject o) => o.Str("metadata", "uid") ?? "";

    public static bool IsTerminating(this JsonObject o) => o.At("metadata", "deletionTimestamp") is not null;

    public static IEnumerable<string> OwnerUids(this JsonObject o) => o.At("metadata", "ownerReferences").Objects().Select(r => r.Str("uid") ?? "");

    public static bool IsControlledBy(this JsonObject o, JsonObject owner) =>
        o.At("metadata", "ownerReferences").Objects().Any(r => r.Str("uid") == owner.Uid() && r.Bool("controller") == true);

    public static JsonArray ControllerReference(JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner.Str("apiVersion"),
        ["kind"] = owner.Str("kind"),
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    });

    /// <summary>A short stable hash, used for pod-template-hash and revision names.</summary>
    public static string StableHash(JsonNode? node)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = 14695981039346656037ul;
        foreach (var ch in node?.ToJsonString() ?? "")
        {
            hash = (hash ^ ch) * 1099511628211ul;
        }
        var text = new char[10];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = alphabet[(int)(hash % (ulong)alphabet.Length)];
            hash /= (ulong)alphabet.Length;
        }
        return new string(text);
    }
}
