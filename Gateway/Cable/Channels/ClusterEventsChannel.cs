using Plural.Gateway.Access;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;

namespace Plural.Gateway.Cable.Channels;

/// <summary>
/// <c>ClusterEventsChannel</c>: the compact cluster events one agent reports (<c>agent</c> required). Events are
/// not kept, so the snapshot only carries the position from which messages follow.
/// </summary>
internal sealed class ClusterEventsChannel(IClusterClient client) : ICableChannel
{
    public string Name => "ClusterEventsChannel";

    public bool RequiresAgent => true;

    public string KeyFor(string? agent) => agent!;

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct) =>
        CableStream.SubscribeAsync<ClusterEvent>(client, StreamNames.ClusterEvents, key, topic, e => e.AgentId, Render);

    public async Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct) =>
        await AgentExistence.RefusalAsync(client, agent, ct) is { } refusal
            ? CableSnapshot.Refused(refusal)
            : CableSnapshot.Of(CableFrames.Write(w =>
            {
                w.WriteString("type", "snapshot");
                w.WriteNumber("seq", sequence);
                w.WriteString("epoch", epoch);
                w.WriteString("agent", agent);
            }));

    private static byte[] Render(ClusterEvent e, long seq, string epoch) => CableFrames.Write(w =>
    {
        w.WriteString("type", "cluster_event");
        w.WriteNumber("seq", seq);
        w.WriteString("epoch", epoch);
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
