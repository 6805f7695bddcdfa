using System.Collections.Concurrent;

namespace Plural.AgentK.Cache;

/// <summary>
/// The cached objects of one kind, within its <see cref="KindBudget"/>. One informer writes; views and queries read
/// concurrently and may see a re-list half applied, never a torn object.
/// </summary>
internal sealed class KindStore(ResourceKind kind, KindBudget budget)
{
    private readonly ConcurrentDictionary<string, CachedObject> _objects = new(StringComparer.Ordinal);
    private volatile bool _synced;
    private volatile string? _truncatedBy;
    private long _changedAtTicks;
    private long _bytes;

    public ResourceKind Kind => kind;

    /// <summary>The budget; a new configuration may change it, which applies from the next object.</summary>
    public KindBudget Budget { get; set; } = budget;

    /// <summary>About how many bytes the kept objects take (<see cref="CachedObject.EstimatedBytes"/>).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Why objects were left out, e.g. <c>the cache holds its budget of 1000 objects of widgets.example.com</c>; null when none were.</summary>
    public string? TruncatedBy => _truncatedBy;

    /// <summary>
    /// Why the informer's last list or watch failed (<c>API server answered 401 (Unauthorized) for pods</c>); null once
    /// one succeeded again.
    /// </summary>
    public string? LastError { get; set; }

    /// <summary>The HTTP status of <see cref="LastError"/>, 0 when it was no HTTP answer or there is none.</summary>
    public int LastErrorStatus { get; set; }

    /// <summary>The first list completed; the store reflects the cluster from then on.</summary>
    public bool Synced => _synced;

    /// <summary>Objects were left out because the kind reached its budget.</summary>
    public bool Truncated => _truncatedBy is not null;

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
            if (!_objects.TryRemove(key, out var removed))
            {
                return null;
            }

            Interlocked.Add(ref _bytes, -removed.EstimatedBytes);
            return Changed(new CacheChange(CacheChange.Deleted, item, now));
        }

        var existed = _objects.TryGetValue(key, out var old);
        if (OverBudget(existed ? 0 : 1, item.EstimatedBytes - (old?.EstimatedBytes ?? 0)) is { } reason)
        {
            _truncatedBy = reason;
            return null;
        }

        _objects[key] = item;
        Interlocked.Add(ref _bytes, item.EstimatedBytes - (old?.EstimatedBytes ?? 0));
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
        string? truncated = null;
        // Objects gone from the list leave first, so that their room serves the listed ones.
        var listedKeys = listed.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, old) in _objects)
        {
            if (!listedKeys.Contains(key) && _objects.TryRemove(key, out _))
            {
                Interlocked.Add(ref _bytes, -old.EstimatedBytes);
                changes.Add(new CacheChange(CacheChange.Deleted, old, now));
            }
        }

        foreach (var item in listed)
        {
            var key = item.Key;
            var existed = _objects.TryGetValue(key, out var old);
            if (existed && old!.ResourceVersion == item.ResourceVersion)
            {
                continue;
            }

            if (OverBudget(existed ? 0 : 1, item.EstimatedBytes - (old?.EstimatedBytes ?? 0)) is { } reason)
            {
                truncated = reason;
                continue;
            }

            _objects[key] = item;
            Interlocked.Add(ref _bytes, item.EstimatedBytes - (old?.EstimatedBytes ?? 0));
            changes.Add(new CacheChange(existed ? CacheChange.Modified : CacheChange.Added, item, now));
        }

        _truncatedBy = truncated;
        _synced = true;
        Interlocked.Exchange(ref _changedAtTicks, now.UtcTicks);
        return first ? [] : changes;
    }

    /// <summary>Why adding <paramref name="objects"/> objects and <paramref name="bytes"/> bytes would break the budget, or null.</summary>
    private string? OverBudget(int objects, long bytes)
    {
        var limits = Budget;
        if (objects > 0 && _objects.Count + objects > limits.MaxObjects)
        {
            return $"the agent's cache holds its budget of {limits.MaxObjects} objects of {kind.GroupResource}";
        }

        return bytes > 0 && Bytes + bytes > limits.MaxBytes
            ? $"the agent's cache holds its budget of {limits.MaxBytes} bytes of {kind.GroupResource}"
            : null;
    }

    private CacheChange Changed(CacheChange change)
    {
        Interlocked.Exchange(ref _changedAtTicks, change.ObservedAt.UtcTicks);
        return change;
    }
}
