namespace Plural.Gateway.Cable;

/// <summary>
/// One stream on this gateway: the single feed behind all local subscribers (an Orleans stream subscription, or a
/// pull loop on the platform's event log), the sequence numbers, and a bounded buffer of recent messages for
/// subscribers that resume with <c>since</c>. Delivery only queues frames on each connection, so a slow subscriber
/// never delays the others.
/// </summary>
internal sealed class CableTopic
{
    /// <summary>The epoch of topics numbered by the platform's event log: the same on every gateway.</summary>
    public const string LogEpoch = "log";

    private readonly Lock _gate = new();
    private readonly Queue<CableMessage> _ring = new();
    private readonly int _ringSize;
    private readonly List<CableSubscription> _subscribers = [];
    private long _sequence;

    // The buffer holds every message after this sequence up to _sequence. Keyed by sequence, not by counting, because
    // log positions jump between activations of the log.
    private long _floor;

    public CableTopic(CableTopicKey key, int replayBufferSize)
        : this(key, replayBufferSize, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)))
    {
    }

    private CableTopic(CableTopicKey key, int replayBufferSize, string epoch)
    {
        Key = key;
        Epoch = epoch;
        _ringSize = Math.Max(1, replayBufferSize);
    }

    /// <summary>
    /// A topic whose sequence numbers are the positions of the platform's event log, so every gateway numbers its
    /// messages alike and a <c>since</c> from one gateway is good on any other. See <see cref="ICableLogChannel"/>.
    /// </summary>
    public static CableTopic NumberedByLog(CableTopicKey key, int replayBufferSize) => new(key, replayBufferSize, LogEpoch);

    public CableTopicKey Key { get; }

    /// <summary>
    /// Names this topic's numbering. Sequence numbers of a gateway's own topics restart with every new topic (another
    /// gateway, or the same one after the topic lapsed), so a <c>since</c> is only meaningful with the epoch it came
    /// from; topics numbered by the log share <see cref="LogEpoch"/>.
    /// </summary>
    public string Epoch { get; }

    /// <summary>Completes once the feed is in place; faults when it could not be made.</summary>
    public Task<IAsyncDisposable> Subscription { get; set; } = Task.FromResult<IAsyncDisposable>(NoSubscription.Instance);

    /// <summary>Subscriptions holding the topic, including ones still being set up. Guarded by the hub.</summary>
    public int Holders { get; set; }

    /// <summary>Cancels the pending release after the last holder left. Guarded by the hub.</summary>
    public CancellationTokenSource? Linger { get; set; }

    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Numbers, keeps and delivers one message. <paramref name="render"/> gets the sequence and epoch.</summary>
    public void Publish(string agentId, Func<long, string, byte[]> render)
    {
        lock (_gate)
        {
            var sequence = _sequence + 1;
            Keep(new CableMessage(sequence, agentId, render(sequence, Epoch)));
        }
    }

    /// <summary>Keeps and delivers a message numbered by the log; one not after the current sequence is a repeat and dropped.</summary>
    public void PublishNumbered(CableMessage message)
    {
        lock (_gate)
        {
            if (message.Sequence > _sequence)
            {
                Keep(message);
            }
        }
    }

    /// <summary>Sets where numbering stands before anyone subscribes: the log's last position when the feed starts.</summary>
    public void StartAt(long sequence)
    {
        lock (_gate)
        {
            _sequence = _floor = sequence;
        }
    }

    /// <summary>
    /// The feed lost messages before <paramref name="sequence"/> (the log could not vouch for them): the buffer is
    /// dropped, numbering goes on from there, and every subscriber gets <paramref name="notices"/> (a reset and a
    /// snapshot) in place of what was lost.
    /// </summary>
    public void Gap(long sequence, IReadOnlyList<byte[]> notices)
    {
        lock (_gate)
        {
            _ring.Clear();
            _sequence = _floor = sequence;
            foreach (var subscriber in _subscribers)
            {
                subscriber.ContinueAfter(sequence);
                foreach (var notice in notices)
                {
                    subscriber.Send(notice);
                }
            }
        }
    }

    /// <summary>
    /// Starts delivering to <paramref name="subscriber"/>. When it names this epoch and a sequence still in the
    /// buffer, the messages after it are replayed first, in order, before any live one.
    /// </summary>
    public ReplayResult Attach(CableSubscription subscriber, long? since, string? epoch)
    {
        lock (_gate)
        {
            var result = new ReplayResult(false, 0);
            if (since is { } from && epoch == Epoch && from >= _floor && from <= _sequence)
            {
                result = new ReplayResult(true, ReplayAfter(subscriber, from));
            }

            _subscribers.Add(subscriber);
            return result;
        }
    }

    /// <summary>
    /// Starts delivering to a subscriber that already has every message up to <paramref name="sequence"/> (read from
    /// the log, which may be ahead of this topic's feed): replays the buffered ones after it, and skips the ones the
    /// feed has yet to catch up with. Not resumed, and not attached, when the buffer no longer reaches back to it.
    /// </summary>
    public ReplayResult AttachAfter(CableSubscription subscriber, long sequence)
    {
        lock (_gate)
        {
            if (sequence < _floor)
            {
                return new ReplayResult(false, 0);
            }

            var replayed = ReplayAfter(subscriber, sequence);
            _subscribers.Add(subscriber);
            return new ReplayResult(true, replayed);
        }
    }

    public void Detach(CableSubscription subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private void Keep(CableMessage message)
    {
        _sequence = message.Sequence;
        _ring.Enqueue(message);
        if (_ring.Count > _ringSize)
        {
            _floor = _ring.Dequeue().Sequence;
        }

        foreach (var subscriber in _subscribers)
        {
            subscriber.Deliver(message);
        }
    }

    private int ReplayAfter(CableSubscription subscriber, long sequence)
    {
        subscriber.ContinueAfter(sequence);
        var replayed = 0;
        foreach (var message in _ring)
        {
            if (message.Sequence > sequence)
            {
                subscriber.Deliver(message);
                replayed++;
            }
        }

        return replayed;
    }

    private sealed class NoSubscription : IAsyncDisposable
    {
        public static readonly NoSubscription Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
