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
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _last = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        return Task.CompletedTask;
    }

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

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ClusterEvent>().ResumeAsync(this);

    public Task OnNextAsync(ClusterEvent item, StreamSequenceToken? token = null)
    {
        _events.Enqueue(new LoggedClusterEvent(++_last, item));
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
