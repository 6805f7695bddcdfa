namespace Plural.AgentK.GitOps;

/// <summary>
/// The bookkeeping of one sync: what the target owned before, what it owns now (applied objects in, pruned ones
/// out), and which documents failed, whose earlier objects are kept rather than pruned.
/// </summary>
internal sealed class SyncRun(IReadOnlyList<InventoryEntry> previous)
{
    private readonly Dictionary<string, InventoryEntry> _recorded = previous
        .GroupBy(e => e.Object.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    private readonly HashSet<(string Path, int Index)> _failedSources = [];
    private bool _changed;

    public IReadOnlyList<InventoryEntry> Previous => previous;

    /// <summary>Keys of every object the documents name, applied or not.</summary>
    public HashSet<string> Desired { get; } = new(StringComparer.Ordinal);

    /// <summary>What the target owns now, to be written to the inventory.</summary>
    public IReadOnlyList<InventoryEntry> Recorded => [.. _recorded.Values];

    /// <summary>The recorded objects differ from the inventory read at the start.</summary>
    public bool Changed => _changed;

    public void Record(InventoryEntry entry)
    {
        if (!_recorded.TryGetValue(entry.Object.Key, out var known) || known != entry)
        {
            _recorded[entry.Object.Key] = entry;
            _changed = true;
        }
    }

    public void Forget(InventoryEntry entry) => _changed |= _recorded.Remove(entry.Object.Key);

    /// <summary>
    /// Puts an object on record before its apply is sent: a sync superseded while the request is in flight may still
    /// have created it, and only what is on record can ever be pruned. Returns the entry it replaced, for <see cref="Withdraw"/>.
    /// </summary>
    public InventoryEntry? RecordInFlight(InventoryEntry entry)
    {
        var before = _recorded.GetValueOrDefault(entry.Object.Key);
        Record(entry);
        return before;
    }

    /// <summary>Takes back <see cref="RecordInFlight"/> once the server refused the apply.</summary>
    public void Withdraw(InventoryEntry entry, InventoryEntry? before)
    {
        if (before is null)
        {
            Forget(entry);
        }
        else
        {
            _recorded[entry.Object.Key] = before;
        }
    }

    /// <summary>Marks a document that could not be applied: whatever its place in Git produced before stays.</summary>
    public void Fail(ManifestObject document) => _failedSources.Add((document.Path, document.Index));

    /// <summary>Owned objects no document names any more, except those whose document failed this time.</summary>
    public IReadOnlyList<InventoryEntry> PruneCandidates() =>
    [
        .. _recorded.Values.Where(e => !Desired.Contains(e.Object.Key) && !_failedSources.Contains((e.Path, e.Index))),
    ];
}
