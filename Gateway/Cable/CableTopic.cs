namespace Plural.Gateway.Cable;

/// <summary>
/// One stream on this gateway: the single Orleans subscription behind all local subscribers, the sequence
/// numbers, and a bounded buffer of recent messages for subscribers that resume with <c>since</c>. Delivery
/// only queues frames on each connection, so a slow subscriber never delays the others.
/// </summary>
internal sealed class CableTopic
{
    private readonly Lock _gate = new();
    private readonly CableMessage?[] _ring;
    private readonly List<CableSubscription> _subscribers = [];
    private long _sequence;

    public CableTopic(CableTopicKey key, int replayBufferSize)
    {
        Key = key;
        Epoch = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        _ring = new CableMessage?[Math.Max(1, replayBufferSize)];
    }

    public CableTopicKey Key { get; }

    /// <summary>
    /// Names this topic's numbering. Sequence numbers restart with every new topic (another gateway, or the
    /// same one after the topic lapsed), so a <c>since</c> is only meaningful with the epoch it came from.
    /// </summary>
    public string Epoch { get; }

    /// <summary>Completes once the stream subscription is in place; faults when it could not be made.</summary>
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
            var message = new CableMessage(++_sequence, agentId, render(_sequence, Epoch));
            _ring[(int)(message.Sequence % _ring.Length)] = message;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Deliver(message);
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
            if (since is { } from && epoch == Epoch && from <= _sequence && from >= _sequence - _ring.Length)
            {
                var replayed = 0;
                for (var seq = from + 1; seq <= _sequence; seq++)
                {
                    if (_ring[(int)(seq % _ring.Length)] is { } message && message.Sequence == seq)
                    {
                        subscriber.Deliver(message);
                        replayed++;
                    }
                }

                result = new ReplayResult(true, replayed);
            }

            _subscribers.Add(subscriber);
            return result;
        }
    }

    public void Detach(CableSubscription subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private sealed class NoSubscription : IAsyncDisposable
    {
        public static readonly NoSubscription Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
