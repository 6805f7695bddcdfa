using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Watch;

/// <summary>
/// Bounded event history plus the live watchers. All members run under the store's lock, which is what
/// makes "replay history, then go live" atomic with respect to writers.
/// </summary>
internal sealed class WatchHub(Lock gate, int historySize, int watcherBuffer)
{
    private readonly Queue<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private long _compactedThrough;

    public long CompactedThrough
    {
        get { lock (gate) return _compactedThrough; }
    }

    internal void Publish(StoredEvent e)
    {
        _history.Enqueue(e);
        while (_history.Count > historySize) _compactedThrough = _history.Dequeue().ResourceVersion;
        for (var i = _watchers.Count - 1; i >= 0; i--)
        {
            var watcher = _watchers[i];
            if (watcher.Filter.Translate(e) is { } item && !watcher.Offer(item)) _watchers.RemoveAt(i);
        }
    }

    internal WatchSubscription Subscribe(WatchFilter filter, long fromVersion, List<WatchItem>? initial)
    {
        if (initial is null && fromVersion < _compactedThrough)
            throw Errors.Expired($"too old resource version: {fromVersion} ({_compactedThrough + 1})");
        var backlog = initial ?? _history
            .Where(e => e.ResourceVersion > fromVersion)
            .Select(filter.Translate).OfType<WatchItem>().ToList();
        var subscription = new WatchSubscription(filter, backlog, watcherBuffer, Remove);
        _watchers.Add(subscription);
        return subscription;
    }

    /// <summary>The version a bookmark may claim: only when nothing is still queued for this watcher.</summary>
    public long? BookmarkVersion(WatchSubscription subscription, Func<long> currentVersion)
    {
        lock (gate)
        {
            return subscription.Live.Count == 0 && !subscription.Overflowed ? currentVersion() : null;
        }
    }

    private void Remove(WatchSubscription subscription)
    {
        lock (gate) _watchers.Remove(subscription);
    }
}
