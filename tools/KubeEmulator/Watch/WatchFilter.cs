using System.Text.Json.Nodes;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Watch;

/// <summary>Which objects a watcher sees; translates selector transitions into ADDED and DELETED like the real watch cache.</summary>
internal sealed record WatchFilter(string StorageKey, string? Namespace, Func<JsonObject, bool> Predicate)
{
    public bool Accepts(JsonObject o) => Predicate(o);

    public WatchItem? Translate(StoredEvent e)
    {
        if (e.StorageKey != StorageKey || (Namespace is not null && e.Namespace != Namespace)) return null;
        var now = e.Type != StoredEvent.Deleted && Predicate(e.Object);
        var before = e.Previous is not null && Predicate(e.Previous);
        return e.Type switch
        {
            StoredEvent.Deleted => before ? new WatchItem(StoredEvent.Deleted, e.Object) : null,
            _ when now && before => new WatchItem(StoredEvent.Modified, e.Object),
            _ when now => new WatchItem(StoredEvent.Added, e.Object),
            _ when before => new WatchItem(StoredEvent.Deleted, e.Object),
            _ => null,
        };
    }
}
