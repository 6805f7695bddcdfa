using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Storage;
using Plural.Grains.Cluster;

namespace Plural.Grains.Agents;

/// <inheritdoc cref="IAgentEventLogGrain"/>
public sealed partial class AgentEventLogGrain(
    [PersistentState("eventLog")] IPersistentState<AgentEventLogState> state,
    TimeProvider clock,
    ILogger<AgentEventLogGrain> logger) : Grain, IAgentEventLogGrain
{
    // Enough to recognise the repeat of any append a gateway can still be retrying.
    private const int RememberedBatches = 64;

    // What readers see: stored events only, at most Capacity of them.
    private readonly Queue<LoggedClusterEvent> _events = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EventLogSegmentStore _segments = null!;
    private long _last;
    private bool _broken;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        _segments = new EventLogSegmentStore(storage, this.GetGrainId());
        if (!state.RecordExists)
        {
            // A log never stored numbers from its start time in microseconds: above anything a log of the same name
            // could have handed out before its storage was lost, since events are rate-limited far below a million a second.
            var now = clock.GetUtcNow();
            state.State.Last = now.ToUnixTimeMilliseconds() * 1000;
            state.State.Since = now;
        }
        else
        {
            foreach (var logged in await _segments.ReadKeptAsync(state.State.Sealed))
            {
                Keep(logged);
            }

            state.State.Open.ForEach(Keep);
        }

        _last = state.State.Last;
        LogActivated(logger, this.GetPrimaryKeyString(), _events.Count, _last);
    }

    public async Task<long> Append(string batchId, IReadOnlyList<ClusterEvent> events)
    {
        if (_broken)
        {
            throw new InvalidOperationException("this activation of the event log failed to store; a new one is on its way");
        }

        if (events.Count == 0 || state.State.RecentBatches.Contains(batchId))
        {
            return _last;
        }

        var logged = new List<LoggedClusterEvent>(events.Count);
        try
        {
            var head = state.State;
            foreach (var item in events)
            {
                logged.Add(new LoggedClusterEvent(++head.Last, item));
                RememberVersion(head.HighestVersions, item);
            }

            head.Open.AddRange(logged);
            head.RecentBatches.Add(batchId);
            if (head.RecentBatches.Count > RememberedBatches)
            {
                head.RecentBatches.RemoveRange(0, head.RecentBatches.Count - RememberedBatches);
            }

            if (head.Open.Count >= EventLogSegmentStore.SegmentSize)
            {
                await _segments.WriteAsync(head.Sealed, head.Open);
                head.Sealed++;
                head.Open = [];
            }

            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // The state in memory is ahead of what is stored, or its ETag is stale: only a fresh activation, which
            // reads storage, may number the caller's retry.
            _broken = true;
            LogStoreFailed(logger, this.GetPrimaryKeyString(), events.Count, ex);
            DeactivateOnIdle();
            throw;
        }

        logged.ForEach(Keep);
        _last = state.State.Last;
        // Wake every waiting reader, then arm for the next events.
        var woken = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.SetResult();
        return _last;
    }

    public Task<PublishedResourceVersions> PublishedVersions() =>
        Task.FromResult(new PublishedResourceVersions(new Dictionary<string, string>(state.State.HighestVersions, StringComparer.Ordinal), state.State.Since));

    public Task<long> LastPosition() => Task.FromResult(_last);

    public async Task<IReadOnlyList<LoggedClusterEvent>> Read(long afterPosition, int max, TimeSpan wait)
    {
        // Nothing kept is newer (a fresh log keeps nothing, whatever its numbering): wait for the next event.
        if (_events.Count == 0 || _last <= afterPosition)
        {
            await Task.WhenAny(_next.Task, Task.Delay(wait, clock));
        }

        return [.. _events.Where(e => e.Position > afterPosition).Take(Math.Max(1, max))];
    }

    public async Task<ClusterEventPage> ReadPage(long afterPosition, int max, TimeSpan wait)
    {
        // Wait only when the range is whole and nothing newer is kept; a gap is worth telling at once.
        if (Vouches(afterPosition) && _last == afterPosition)
        {
            await Task.WhenAny(_next.Task, Task.Delay(wait, clock));
        }

        // Checked again after the wait: a burst during it may have evicted the events right after the position.
        var complete = Vouches(afterPosition);
        var from = complete ? afterPosition : VouchedFrom;
        return new ClusterEventPage([.. _events.Where(e => e.Position > from).Take(Math.Max(1, max))], complete, from);
    }

    // The log holds every event after this position: the one before the oldest kept event, or, with none kept, the
    // newest position. Anything older was evicted, or handed out before the log's storage began.
    private long VouchedFrom => _events.TryPeek(out var oldest) ? oldest.Position - 1 : _last;

    private bool Vouches(long afterPosition) => afterPosition >= VouchedFrom && afterPosition <= _last;

    private void Keep(LoggedClusterEvent logged)
    {
        _events.Enqueue(logged);
        while (_events.Count > IAgentEventLogGrain.Capacity)
        {
            _events.Dequeue();
        }
    }

    // Kubernetes calls resourceVersions opaque, but every API server backed by etcd (and the emulator) hands out one
    // growing number; a version that is not one is simply not remembered, and a new leader then goes by time.
    private static void RememberVersion(Dictionary<string, string> highest, ClusterEvent item)
    {
        if (ulong.TryParse(item.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && (!highest.TryGetValue(item.Kind, out var text) || number > ulong.Parse(text, CultureInfo.InvariantCulture)))
        {
            highest[item.Kind] = item.ResourceVersion;
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Event log of agent {Agent} active on this silo with {Kept} stored events up to position {Last}")]
    private static partial void LogActivated(ILogger logger, string agent, int kept, long last);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Event log of agent {Agent} could not store {Count} events; the gateway repeats them on a fresh activation")]
    private static partial void LogStoreFailed(ILogger logger, string agent, int count, Exception exception);
}
