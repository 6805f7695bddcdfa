using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Storage;

/// <summary>One committed change; <see cref="Object"/> and <see cref="Previous"/> are frozen and must not be mutated.</summary>
internal sealed record StoredEvent(string Type, string StorageKey, string? Namespace, string Name, long ResourceVersion, JsonObject Object, JsonObject? Previous)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}

/// <summary>What a write decided to do with the object it looked at.</summary>
internal readonly record struct StoreWrite(JsonObject? Object, bool Remove)
{
    public static StoreWrite Keep => default;

    public static StoreWrite Put(JsonObject o) => new(o, false);

    public static StoreWrite Delete => new(null, true);
}
