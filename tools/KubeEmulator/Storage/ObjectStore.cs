using System.Text.Json.Nodes;
using System.Threading.Channels;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Watch;

namespace Plural.KubeEmulator.Storage;

/// <summary>
/// In-memory object storage with one cluster-wide resource version, like etcd. Every write runs its
/// decision under one lock and publishes its event to the <see cref="WatchHub"/> before the lock is
/// released, so watchers see changes in commit order with nothing lost or doubled.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _byKind = new(StringComparer.Ordinal);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _version;

    public ObjectStore(int historySize, int watcherBuffer)
    {
        Hub = new WatchHub(_gate, historySize, watcherBuffer);
    }

    public WatchHub Hub { get; }

    /// <summary>Signalled (coalesced) after any write; the controllers wake on it.</summary>
    public ChannelReader<bool> Changes => _changes.Reader;

    public long Version
    {
        get { lock (_gate) return _version; }
    }

    public JsonObject? Get(string storageKey, string? ns, string name)
    {
        lock (_gate)
        {
            return _byKind.TryGetValue(storageKey, out var objects) && objects.TryGetValue(Key(ns, name), out var o) ? o : null;
        }
    }

    /// <summary>Objects of a kind, ordered by namespace then name, with the version they were read at.</summary>
    public (List<JsonObject> Items, long Version) List(string storageKey, string? ns)
    {
        lock (_gate)
        {
            return (Select(storageKey, ns).ToList(), _version);
        }
    }

    public IReadOnlyList<string> StorageKeys()
    {
        lock (_gate) return _byKind.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).ToList();
    }

    /// <summary>
    /// Reads the current object, lets <paramref name="decide"/> choose the outcome, and commits it atomically.
    /// <paramref name="decide"/> receives the stored (frozen) object and must return a new tree to change it.
    /// With <paramref name="dryRun"/> the outcome is computed and returned but nothing is stored or published.
    /// </summary>
    public JsonObject? Write(string storageKey, string? ns, string name, Func<JsonObject?, StoreWrite> decide, bool dryRun = false)
    {
        JsonObject? result;
        lock (_gate)
        {
            if (!_byKind.TryGetValue(storageKey, out var objects))
            {
                objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                _byKind[storageKey] = objects;
            }
            var key = Key(ns, name);
            objects.TryGetValue(key, out var current);
            var write = decide(current);
            if (dryRun) return write.Remove ? current : write.Object ?? current;
            if (write.Remove)
            {
                if (current is null) return null;
                objects.Remove(key);
                var gone = current.CloneObject();
                gone.Metadata()["resourceVersion"] = (++_version).ToString();
                result = JsonTree.Freeze(gone);
                Hub.Publish(new StoredEvent(StoredEvent.Deleted, storageKey, ns, name, _version, result, current));
            }
            else if (write.Object is { } next)
            {
                next.Metadata()["resourceVersion"] = (++_version).ToString();
                result = JsonTree.Freeze(next);
                objects[key] = result;
                Hub.Publish(new StoredEvent(current is null ? StoredEvent.Added : StoredEvent.Modified, storageKey, ns, name, _version, result, current));
            }
            else
            {
                return current;
            }
        }
        _changes.Writer.TryWrite(true);
        return result;
    }

    /// <summary>Registers a watcher atomically with the snapshot or history replay it starts from.</summary>
    public WatchSubscription Watch(WatchFilter filter, long? fromVersion)
    {
        lock (_gate)
        {
            var initial = fromVersion is null
                ? Select(filter.StorageKey, filter.Namespace).Where(filter.Accepts).Select(o => new WatchItem(StoredEvent.Added, o)).ToList()
                : null;
            return Hub.Subscribe(filter, fromVersion ?? _version, initial);
        }
    }

    private IEnumerable<JsonObject> Select(string storageKey, string? ns)
    {
        if (!_byKind.TryGetValue(storageKey, out var objects)) return [];
        if (ns is null) return objects.Values;
        var prefix = ns + "/";
        return objects.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(kv => kv.Value);
    }

    private static string Key(string? ns, string name) => ns is null ? "/" + name : ns + "/" + name;
}
