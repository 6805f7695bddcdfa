using Plural.Gateway.Access;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;

namespace Plural.Gateway.Cable.Channels;

/// <summary>
/// <c>ClusterEventsChannel</c>: the compact cluster events one agent reports (<c>agent</c> required), read from the
/// agent's <see cref="IAgentEventLogGrain"/>. A message's <c>seq</c> is the event's position in that log, the same on
/// every gateway, so a subscriber resumes with <c>since</c> wherever it reconnects. The snapshot only carries the
/// position from which messages follow.
/// </summary>
internal sealed class ClusterEventsChannel(IGrainFactory grains, TimeProvider clock, ILogger<ClusterEventsChannel> logger) : ICableLogChannel
{
    public string Name => "ClusterEventsChannel";

    public bool RequiresAgent => true;

    public string KeyFor(string? agent) => agent!;

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct) =>
        CableLogFeed.StartAsync(this, topic, clock, logger, ct);

    public async Task<long> LastPositionAsync(string key, CancellationToken ct) =>
        await grains.GetGrain<IAgentEventLogGrain>(key).LastPosition().WaitAsync(ct);

    public async Task<CableLogRead> ReadAsync(string key, long after, int max, TimeSpan wait, CancellationToken ct)
    {
        var page = await grains.GetGrain<IAgentEventLogGrain>(key).ReadPage(after, max, wait).WaitAsync(ct);
        return new CableLogRead(
            [.. page.Events.Select(e => new CableMessage(e.Position, e.Event.AgentId, Render(e.Event, e.Position)))],
            page.Complete, page.CompleteAfter);
    }

    public async Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct) =>
        await AgentExistence.RefusalAsync(grains, agent, ct) is { } refusal
            ? CableSnapshot.Refused(refusal)
            : CableSnapshot.Of(Snapshot(agent!, sequence));

    public byte[] Snapshot(string key, long sequence) => CableFrames.Write(w =>
    {
        w.WriteString("type", "snapshot");
        w.WriteNumber("seq", sequence);
        w.WriteString("epoch", CableTopic.LogEpoch);
        w.WriteString("agent", key);
    });

    private static byte[] Render(ClusterEvent e, long position) => CableFrames.Write(w =>
    {
        w.WriteString("type", "cluster_event");
        w.WriteNumber("seq", position);
        w.WriteString("epoch", CableTopic.LogEpoch);
        w.WriteString("agent", e.AgentId);
        w.WriteString("event_type", e.Type);
        w.WriteString("kind", e.Kind);
        w.WriteString("namespace", e.Namespace);
        w.WriteString("name", e.Name);
        w.WriteString("resource_version", e.ResourceVersion);
        w.WriteString("summary", e.Summary);
        w.WriteString("timestamp", e.Timestamp);
        w.WriteNumber("agent_sequence", e.Sequence);
    });
}
