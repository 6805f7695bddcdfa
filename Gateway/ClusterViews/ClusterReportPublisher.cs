using Plural.Gateway.Listeners;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;
using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Takes the cluster events and views agents send up their sessions: events go to the agent's
/// <see cref="StreamNames.ClusterEvents"/> stream one per message; views go to the agent's
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

    /// <summary>Publishes a batch of events, in order. Throws <see cref="ArgumentException"/> for a malformed batch.</summary>
    public async Task PublishEventsAsync(string agentId, ClusterEventBatch batch)
    {
        var events = ClusterReportMapper.ToEvents(agentId, batch);
        var stream = orleans.GetStreamProvider(StreamNames.Provider)
            .GetStream<ClusterEvent>(StreamId.Create(StreamNames.ClusterEvents, agentId));
        foreach (var item in events)
        {
            await stream.OnNextAsync(item);
        }

        if (events.Count > 0)
        {
            metrics.RecordStreamMessages(StreamNames.ClusterEvents, events.Count);
            LogEvents(logger, agentId, events.Count, events[^1].Sequence);
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

    [LoggerMessage(EventId = 2601, Level = LogLevel.Debug, Message = "Published {Count} cluster events of agent {AgentId} up to sequence {Sequence}")]
    private static partial void LogEvents(ILogger logger, string agentId, int count, long sequence);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "Published cluster view {Sequence} of agent {AgentId}")]
    private static partial void LogView(ILogger logger, string agentId, long sequence);
}
