using System.Collections.Concurrent;

namespace Plural.AgentK.Cache;

/// <summary>
/// The cached objects of one kind. One informer writes; views and queries read concurrently and may see a
/// re-list half applied, never a torn object.
/// </summary>
internal sealed class KindStore(ResourceKind kind, int maxObjects)
{
    private readonly ConcurrentDictionary<string, CachedObject> _objects = new(StringComparer.Ordinal);
    private volatile bool _synced;
    private volatile bool _truncated;
    private long _changedAtTicks;

    public ResourceKind Kind => kind;

    /// <summary>The first list completed; the store reflects the cluster from then on.</summary>
    public bool Synced => _synced;

    /// <summary>Objects were left out because the kind reached its maximum.</summary>
    public bool Truncated => _truncated;

    /// <summary>When the store last changed (UTC).</summary>
    public DateTimeOffset ChangedAt => new(Interlocked.Read(ref _changedAtTicks), TimeSpan.Zero);

    public int Count => _objects.Count;

    public ICollection<CachedObject> Objects => _objects.Values;

    /// <summary>Applies one watch event; null when it changed nothing.</summary>
    public CacheChange? Apply(string type, CachedObject item, DateTimeOffset now)
    {
        var key = item.Key;
        if (type == CacheChange.Deleted)
        {
            return _objects.TryRemove(key, out _) ? Changed(new CacheChange(CacheChange.Deleted, item, now)) : null;
        }

        var existed = _objects.ContainsKey(key);
        if (!existed && _objects.Count >= maxObjects)
        {
            _truncated = true;
            return null;
        }

        _objects[key] = item;
        return Changed(new CacheChange(existed ? CacheChange.Modified : CacheChange.Added, item, now));
    }

    /// <summary>
    /// Replaces the content with a complete list and returns what differs from before (nothing on the first
    /// list: a starting agent reports state through its view, not as a flood of additions).
    /// </summary>
    public IReadOnlyList<CacheChange> Replace(IReadOnlyCollection<CachedObject> listed, DateTimeOffset now)
    {
        var first = !_synced;
        var changes = new List<CacheChange>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var truncated = false;
        foreach (var item in listed)
        {
            var key = item.Key;
            seen.Add(key);
            if (_objects.TryGetValue(key, out var old))
            {
                if (old.ResourceVersion != item.ResourceVersion)
                {
                    _objects[key] = item;
                    changes.Add(new CacheChange(CacheChange.Modified, item, now));
                }
            }
            else if (_objects.Count < maxObjects)
            {
                _objects[key] = item;
                changes.Add(new CacheChange(CacheChange.Added, item, now));
            }
            else
            {
                truncated = true;
            }
        }

        foreach (var (key, old) in _objects)
        {
            if (!seen.Contains(key) && _objects.TryRemove(key, out _))
            {
                changes.Add(new CacheChange(CacheChange.Deleted, old, now));
            }
        }

        _truncated = truncated;
        _synced = true;
        Interlocked.Exchange(ref _changedAtTicks, now.UtcTicks);
        return first ? [] : changes;
    }

    private CacheChange Changed(CacheChange change)
    {
        Interlocked.Exchange(ref _changedAtTicks, change.ObservedAt.UtcTicks);
        return change;
    }
}
