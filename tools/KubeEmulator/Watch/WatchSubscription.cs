using System.Threading.Channels;

namespace Plural.KubeEmulator.Watch;

/// <summary>
/// A registered watcher: a backlog (initial state or replayed history) followed by a bounded live channel.
/// The channel is completed when the watcher falls too far behind, which ends its stream.
/// </summary>
internal sealed class WatchSubscription(WatchFilter filter, IReadOnlyList<WatchItem> backlog, int capacity, Action<WatchSubscription> remove) : IDisposable
{
    private readonly Channel<WatchItem> _live = Channel.CreateBounded<WatchItem>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public WatchFilter Filter { get; } = filter;

    public IReadOnlyList<WatchItem> Backlog { get; } = backlog;

    public ChannelReader<WatchItem> Live => _live.Reader;

    /// <summary>True when the stream was ended because this watcher could not keep up.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Called under the store lock; never blocks the writer.</summary>
    internal bool Offer(WatchItem item)
    {
        if (_live.Writer.TryWrite(item)) return true;
        Overflowed = true;
        _live.Writer.TryComplete();
        return false;
    }

    public void Dispose()
    {
        _live.Writer.TryComplete();
        remove(this);
    }
}
