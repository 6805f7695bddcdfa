using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;
using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Takes the cluster events and views agents send up their sessions: events go to the agent's
/// <see cref="IAgentEventLogGrain"/>, which subscribers read; views go to the agent's
/// <see cref="IClusterViewGrain"/>, and to its <see cref="StreamNames.ClusterViews"/> stream when they say something new.
/// </summary>
internal sealed partial class ClusterReportPublisher(IClusterClient orleans, GatewayMetrics metrics, ILogger<ClusterReportPublisher> logger)
{
    /// <summary>Capability of agents that send <c>cluster_events</c>.</summary>
    public const string EventsCapability = "cluster.events.v1";

    /// <summary>Capability of agents that send <c>cluster_view</c>.</summary>
    public const string ViewsCapability = "cluster.views.v1";

    /// <summary>Capability of agents that answer cached queries.</summary>
    public const string CacheQueryCapability = "cache.query.v1";

    /// <summary>The reports this gateway takes, to be intersected with what an agent declares.</summary>
    public static IReadOnlyList<string> AcceptedCapabilities { get; } = [EventsCapability, ViewsCapability];

    /// <summary>
    /// Stores a batch of events, in order, in the agent's <see cref="IAgentEventLogGrain"/>, repeating the append
    /// (under the same batch id, so it is taken once) until the log answers or <paramref name="ct"/> ends the session:
    /// a silo that dies with the log costs a wait, never the events. Throws <see cref="ArgumentException"/> for a
    /// malformed batch.
    /// </summary>
    public async Task PublishEventsAsync(string agentId, ClusterEventBatch batch, CancellationToken ct)
    {
        var events = ClusterReportMapper.ToEvents(agentId, batch);
        if (events.Count == 0)
        {
            return;
        }

        var log = orleans.GetGrain<IAgentEventLogGrain>(agentId);
        var batchId = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var last = await log.Append(batchId, events).WaitAsync(ct);
                metrics.RecordStreamMessages(StreamNames.ClusterEvents, events.Count);
                LogEvents(logger, agentId, events.Count, events[^1].Sequence, last);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                var delay = EventLogBackoff.Delay(attempt);
                LogAppendFailed(logger, agentId, events.Count, attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, ct);
            }
        }
    }

    /// <summary>Records a view and publishes it when it is news. Throws <see cref="ArgumentException"/> for a malformed view.</summary>
    public async Task PublishViewAsync(string agentId, ClusterViewReport report)
    {
        var view = ClusterReportMapper.ToView(agentId, report);
        if (await orleans.GetGrain<IClusterViewGrain>(agentId).Report(view))
        {
            await orleans.GetStreamProvider(StreamNames.Provider)
                .GetStream<ClusterView>(StreamId.Create(StreamNames.ClusterViews, agentId))
                .OnNextAsync(view);
            metrics.RecordStreamMessages(StreamNames.ClusterViews, 1);
            LogView(logger, agentId, view.Sequence);
        }
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Debug, Message = "Stored {Count} cluster events of agent {AgentId} up to sequence {Sequence} at log position {Position}")]
    private static partial void LogEvents(ILogger logger, string agentId, int count, long sequence, long position);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Could not store {Count} cluster events of agent {AgentId} (attempt {Attempt}); repeating in {DelayMs} ms")]
    private static partial void LogAppendFailed(ILogger logger, string agentId, int count, int attempt, double delayMs, Exception exception);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "Published cluster view {Sequence} of agent {AgentId}")]
    private static partial void LogView(ILogger logger, string agentId, long sequence);
}
