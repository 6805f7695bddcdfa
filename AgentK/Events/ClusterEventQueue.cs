using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Events;

/// <summary>
/// Cache changes waiting to go up the session, numbered in the order the agent saw them. Bounded: when full, a
/// change replaces the pending one of the same object, or else the oldest pending change is dropped; either way
/// subscribers see a gap in the sequence.
/// </summary>
internal sealed class ClusterEventQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ClusterEventRecord> _pending = new();
    private readonly Dictionary<string, LinkedListNode<ClusterEventRecord>> _byObject = new(StringComparer.Ordinal);
    private readonly int _maxPending;
    private TaskCompletionSource _available = NewSignal();
    private long _sequence;
    private long _dropped;

    public ClusterEventQueue(ClusterCache cache, IOptions<ClusterEventOptions> options)
    {
        _maxPending = options.Value.MaxPending;
        if (cache.Enabled && options.Value.Enabled)
        {
            cache.Changed += Enqueue;
        }
    }

    /// <summary>Events numbered so far.</summary>
    public long LastSequence
    {
        get { lock (_gate) return _sequence; }
    }

    /// <summary>Events dropped or superseded while the queue was full.</summary>
    public long Dropped
    {
        get { lock (_gate) return _dropped; }
    }

    public int Count
    {
        get { lock (_gate) return _pending.Count; }
    }

    public void Enqueue(CacheChange change)
    {
        var item = change.Object;
        var key = item.Kind + "/" + item.Key;
        lock (_gate)
        {
            var record = new ClusterEventRecord
            {
                Sequence = ++_sequence,
                Type = change.Type,
                Kind = item.Kind,
                Namespace = item.Namespace,
                Name = item.Name,
                ResourceVersion = item.ResourceVersion,
                Summary = item.Summary,
                ObservedAt = Timestamp.FromDateTimeOffset(change.ObservedAt),
            };

            if (_pending.Count >= _maxPending)
            {
                if (_byObject.Remove(key, out var superseded))
                {
                    _pending.Remove(superseded);
                }
                else
                {
                    var oldest = _pending.First!;
                    _pending.RemoveFirst();
                    var oldestKey = KeyOf(oldest.Value);
                    if (_byObject.TryGetValue(oldestKey, out var indexed) && indexed == oldest)
                    {
                        _byObject.Remove(oldestKey);
                    }
                }

                _dropped++;
            }

            // Only the newest pending change of an object is indexed; an older one is still sent, in order.
            _byObject[key] = _pending.AddLast(record);
            _available.TrySetResult();
        }
    }

    /// <summary>Completes when at least one event is pending.</summary>
    public Task WaitAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return _pending.Count > 0 ? Task.CompletedTask : _available.Task.WaitAsync(ct);
        }
    }

    /// <summary>Removes and returns up to <paramref name="max"/> of the oldest pending events.</summary>
    public List<ClusterEventRecord> Take(int max)
    {
        lock (_gate)
        {
            var batch = new List<ClusterEventRecord>(Math.Min(max, _pending.Count));
            while (batch.Count < max && _pending.First is { } first)
            {
                _pending.RemoveFirst();
                var key = KeyOf(first.Value);
                if (_byObject.TryGetValue(key, out var indexed) && indexed == first)
                {
                    _byObject.Remove(key);
                }

                batch.Add(first.Value);
            }

            if (_pending.Count == 0 && _available.Task.IsCompleted)
            {
                _available = NewSignal();
            }

            return batch;
        }
    }

    private static string KeyOf(ClusterEventRecord record) =>
        record.Kind + "/" + (record.Namespace.Length == 0 ? record.Name : record.Namespace + "/" + record.Name);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
