using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Leadership;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Events;

/// <summary>
/// Cache changes waiting to go up the session, numbered in the order the agent saw them. Bounded: when full, a
/// change replaces the pending one of the same object, or else the oldest pending change is dropped; either way
/// subscribers see a gap in the sequence.
/// A replica that does not lead keeps the changes it sees on <em>standby</em>, unnumbered and bounded the same way (the
/// oldest go first): when it becomes the leader, <see cref="Resume"/> drops those the previous leader already published
/// and numbers the rest, so the platform gets each change once.
/// </summary>
internal sealed class ClusterEventQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ClusterEventRecord> _pending = new();
    private readonly Dictionary<string, LinkedListNode<ClusterEventRecord>> _byObject = new(StringComparer.Ordinal);
    private readonly int _maxPending;
    private TaskCompletionSource _available = NewSignal();
    // Per kind, the newest change dropped on standby: if the previous leader had not published it, changes were lost.
    private readonly Dictionary<string, ClusterEventRecord> _droppedOnStandby = new(StringComparer.Ordinal);
    private long _sequence;
    private long _taken;
    private long _dropped;
    private bool _standby;

    public ClusterEventQueue(ClusterCache cache, IOptions<ClusterEventOptions> options, LeaderTerms? terms = null)
    {
        _maxPending = options.Value.MaxPending;
        _standby = terms?.Elects == true;
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

    /// <summary>Changes are kept for a possible takeover, not sent.</summary>
    public bool Standby
    {
        get { lock (_gate) return _standby; }
    }

    public void Enqueue(CacheChange change)
    {
        var item = change.Object;
        var key = item.Kind + "/" + item.Key;
        lock (_gate)
        {
            var record = new ClusterEventRecord
            {
                Sequence = _standby ? 0 : ++_sequence,
                Type = change.Type,
                Kind = item.Kind,
                Namespace = item.Namespace,
                Name = item.Name,
                ResourceVersion = item.ResourceVersion,
                Summary = item.Summary,
                ObservedAt = Timestamp.FromDateTimeOffset(change.ObservedAt),
            };

            if (_standby)
            {
                KeepOnStandby(record);
                return;
            }

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

    /// <summary>Removes and returns up to <paramref name="max"/> of the oldest pending events; none on standby.</summary>
    public List<ClusterEventRecord> Take(int max)
    {
        lock (_gate)
        {
            // A sender that has not yet noticed its term ended must find nothing to send.
            if (_standby)
            {
                return [];
            }

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
                _taken = first.Value.Sequence;
            }

            if (_pending.Count == 0 && _available.Task.IsCompleted)
            {
                _available = NewSignal();
            }

            return batch;
        }
    }

    /// <summary>
    /// Leaves standby (this replica now leads): drops the kept changes <paramref name="published"/> says the platform has,
    /// numbers the rest after this process's last number, and skips a number when changes it dropped while full may not
    /// have been published, so that subscribers see the gap. Returns how many kept changes go up and how many were dropped.
    /// </summary>
    public (int Kept, int Published) Resume(Func<ClusterEventRecord, bool> published)
    {
        lock (_gate)
        {
            if (!_standby)
            {
                return (_pending.Count, 0);
            }

            var before = _pending.Count;
            for (var node = _pending.First; node is not null;)
            {
                var next = node.Next;
                if (published(node.Value))
                {
                    _pending.Remove(node);
                }

                node = next;
            }

            if (_droppedOnStandby.Values.Any(d => !published(d)))
            {
                _sequence++;
            }

            _droppedOnStandby.Clear();
            _byObject.Clear();
            for (var node = _pending.First; node is not null; node = node.Next)
            {
                node.Value.Sequence = ++_sequence;
                _byObject[KeyOf(node.Value)] = node;
            }

            _standby = false;
            if (_pending.Count > 0)
            {
                _available.TrySetResult();
            }

            return (_pending.Count, before - _pending.Count);
        }
    }

    /// <summary>Goes on standby (this replica stopped leading): what is pending stays, for a later takeover.</summary>
    public void Suspend()
    {
        lock (_gate)
        {
            // What is pending is numbered again at the next takeover, after what this process did send.
            _standby = true;
            _sequence = _taken;
            _byObject.Clear();
        }
    }

    private void KeepOnStandby(ClusterEventRecord record)
    {
        _pending.AddLast(record);
        while (_pending.Count > _maxPending)
        {
            var oldest = _pending.First!.Value;
            _pending.RemoveFirst();
            _droppedOnStandby[oldest.Kind] = oldest;
            _dropped++;
        }
    }

    private static string KeyOf(ClusterEventRecord record) =>
        record.Kind + "/" + (record.Namespace.Length == 0 ? record.Name : record.Namespace + "/" + record.Name);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
