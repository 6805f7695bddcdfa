using Plural.Grains.Agents;
using Plural.Grains.Cluster;

namespace Plural.Gateway.Tests.Cable;

/// <summary>
/// One agent's event log as gateways see it through <see cref="IAgentEventLogGrain"/>, answering by the grain's rules:
/// events can be appended, the log can start anew as a new activation on another silo would, reads can fail, and
/// the long polls of gateways' feeds can be held back to put them behind the log.
/// </summary>
internal sealed class FakeEventLog
{
    // Long polls wait at most this long here, so a running feed keeps asking and a stopped one shows.
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly List<LoggedClusterEvent> _events = [];
    private readonly List<long> _readsAfter = [];
    private readonly List<long> _failedReadsAfter = [];
    private TaskCompletionSource _next = NewSignal();
    private TaskCompletionSource? _held;
    private long _last;
    private int _failuresLeft;

    public FakeEventLog(long start) => _last = start;

    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>The positions gateways read after, in call order.</summary>
    public IReadOnlyList<long> ReadsAfter
    {
        get
        {
            lock (_gate)
            {
                return [.. _readsAfter];
            }
        }
    }

    /// <summary>The positions of the reads that failed.</summary>
    public IReadOnlyList<long> FailedReadsAfter
    {
        get
        {
            lock (_gate)
            {
                return [.. _failedReadsAfter];
            }
        }
    }

    /// <summary>Answers the gateways' calls of <see cref="IAgentEventLogGrain"/> for every agent.</summary>
    public FakeEventLog Serve(GrainStubs grains)
    {
        grains.On<IAgentEventLogGrain>(nameof(IAgentEventLogGrain.LastPosition), (_, _) => Task.FromResult(Last));
        grains.On<IAgentEventLogGrain>(nameof(IAgentEventLogGrain.ReadPage), (_, args) => ReadPageAsync((long)args[0]!, (int)args[1]!, (TimeSpan)args[2]!));
        return this;
    }

    /// <summary>Appends an event named <paramref name="name"/>; returns its position.</summary>
    public long Append(string agent, string name)
    {
        lock (_gate)
        {
            _events.Add(new LoggedClusterEvent(++_last, new ClusterEvent(agent, _events.Count + 1, ClusterEventTypes.Added, "ConfigMap", "demo", name, "1", "", DateTimeOffset.UnixEpoch)));
            Wake();
            return _last;
        }
    }

    /// <summary>The log starts anew at <paramref name="start"/>, keeping nothing, as after its silo died.</summary>
    public void Restart(long start)
    {
        lock (_gate)
        {
            _events.Clear();
            _last = start;
            Wake();
        }
    }

    /// <summary>The next <paramref name="count"/> reads fail as calls to a dead silo do.</summary>
    public void FailNextReads(int count)
    {
        lock (_gate)
        {
            _failuresLeft = count;
        }
    }

    /// <summary>Long polls (feeds) answer nothing new until <see cref="ReleaseFeeds"/>; reads that do not wait go on.</summary>
    public void HoldFeeds()
    {
        lock (_gate)
        {
            _held = NewSignal();
        }
    }

    public void ReleaseFeeds()
    {
        lock (_gate)
        {
            _held?.TrySetResult();
            _held = null;
        }
    }

    private async Task<ClusterEventPage> ReadPageAsync(long after, int max, TimeSpan wait)
    {
        Task next;
        Task? held;
        lock (_gate)
        {
            _readsAfter.Add(after);
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                _failedReadsAfter.Add(after);
                throw new TimeoutException("the log's silo does not answer");
            }

            next = _next.Task;
            held = wait > TimeSpan.Zero ? _held?.Task : null;
        }

        if (held is not null)
        {
            await held;
        }
        else if (wait > TimeSpan.Zero && Last == after)
        {
            await Task.WhenAny(next, Task.Delay(wait < LongestWait ? wait : LongestWait));
        }

        lock (_gate)
        {
            var from = _events.Count > 0 ? _events[0].Position - 1 : _last;
            var complete = after >= from && after <= _last;
            from = complete ? after : from;
            return new ClusterEventPage([.. _events.Where(e => e.Position > from).Take(max)], complete, from);
        }
    }

    private void Wake()
    {
        _next.TrySetResult();
        _next = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
