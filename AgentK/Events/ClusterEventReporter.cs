using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Events;

/// <summary>
/// Sends pending cluster events up the session. The batching window adapts to the rate of change: an event that
/// follows a quiet period (no message for one batch interval) leaves at once, alone; during a burst, messages leave
/// at most once per batch interval and carry everything that piled up meanwhile. So no event waits longer than
/// one batch interval for company, and an idle cluster's first change pays nothing. A token bucket holds the agent
/// to its rate on top.
/// </summary>
internal sealed class ClusterEventReporter(
    ClusterEventQueue queue,
    ClusterCache cache,
    IOptions<ClusterEventOptions> options,
    TimeProvider clock) : ISessionReporter
{
    /// <summary>Capability of agents that send <c>cluster_events</c>.</summary>
    public const string EventsCapability = "cluster.events.v1";

    private readonly ClusterEventOptions _options = options.Value;

    public string? Capability => cache.Enabled && _options.Enabled ? EventsCapability : null;

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        var rate = _options.MaxEventsPerSecond;
        double tokens = rate;
        var refilledAt = clock.GetTimestamp();
        long? lastSentAt = null;
        while (true)
        {
            await queue.WaitAsync(sessionEnded);
            if (lastSentAt is { } sentAt && _options.BatchInterval - clock.GetElapsedTime(sentAt) is { Ticks: > 0 } windowLeft)
            {
                await Task.Delay(windowLeft, clock, sessionEnded);
            }

            tokens = Math.Min(rate, tokens + clock.GetElapsedTime(refilledAt).TotalSeconds * rate);
            refilledAt = clock.GetTimestamp();
            if (tokens < 1)
            {
                await Task.Delay(TimeSpan.FromSeconds((1 - tokens) / rate), clock, sessionEnded);
                continue;
            }

            var batch = queue.Take(Math.Min(_options.MaxBatchSize, (int)tokens));
            if (batch.Count == 0)
            {
                continue;
            }

            tokens -= batch.Count;
            lastSentAt = clock.GetTimestamp();
            await session.WriteAsync(new AgentMessage { ClusterEvents = new ClusterEventBatch { Events = { batch } } }, sessionEnded);
        }
    }
}
