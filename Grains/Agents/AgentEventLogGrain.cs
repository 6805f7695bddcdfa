using Orleans.Streams;
using Orleans.Streams.Core;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;

namespace Plural.Grains.Agents;

/// <inheritdoc cref="IAgentEventLogGrain"/>
[ImplicitStreamSubscription(StreamNames.ClusterEvents)]
public sealed class AgentEventLogGrain(TimeProvider clock) : Grain, IAgentEventLogGrain, IStreamSubscriptionObserver, IAsyncObserver<ClusterEvent>
{
    // Seeding with the activation's start time in microseconds keeps positions growing across deactivations and silo
    // restarts without writing to storage: an agent's events are rate-limited far below a million a second.
    private readonly Queue<LoggedClusterEvent> _events = new();
    private readonly Dictionary<string, (ulong Number, string Text)> _highestVersions = new(StringComparer.Ordinal);
    private DateTimeOffset _startedAt;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _startedAt = clock.GetUtcNow();
        _last = _startedAt.ToUnixTimeMilliseconds() * 1000;
        return Task.CompletedTask;
    }

    public Task<PublishedResourceVersions> PublishedVersions() =>
        Task.FromResult(new PublishedResourceVersions(_highestVersions.ToDictionary(kv => kv.Key, kv => kv.Value.Text, StringComparer.Ordinal), _startedAt));

    public Task<long> LastPosition() => Task.FromResult(_last);

    public async Task<IReadOnlyList<LoggedClusterEvent>> Read(long afterPosition, int max, TimeSpan wait)
    {
        // Nothing kept is newer (a fresh activation keeps nothing, whatever its numbering): wait for the next event.
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

    // The log holds every event after this position: the one before the oldest kept event, or, with none kept, where
    // this activation started. Anything older may have been evicted or lost with an earlier activation.
    private long VouchedFrom => _events.TryPeek(out var oldest) ? oldest.Position - 1 : _last;

    private bool Vouches(long afterPosition) => afterPosition >= VouchedFrom && afterPosition <= _last;

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ClusterEvent>().ResumeAsync(this);

    public Task OnNextAsync(ClusterEvent item, StreamSequenceToken? token = null)
    {
        _events.Enqueue(new LoggedClusterEvent(++_last, item));
        // Kubernetes calls resourceVersions opaque, but every API server backed by etcd (and the emulator) hands out
        // one growing number; a version that is not one is simply not remembered, and a new leader then goes by time.
        if (ulong.TryParse(item.ResourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && (!_highestVersions.TryGetValue(item.Kind, out var highest) || number > highest.Number))
        {
            _highestVersions[item.Kind] = (number, item.ResourceVersion);
        }

        while (_events.Count > IAgentEventLogGrain.Capacity)
        {
            _events.Dequeue();
        }

        // Wake every waiting reader, then arm for the next event.
        var woken = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.SetResult();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
