using System.Text.Json;
using Plural.Gateway.Access;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;

namespace Plural.Gateway.Cable.Channels;

/// <summary>
/// <c>ClusterViewsChannel</c>: the precomputed views of one agent's cluster (<c>agent</c> required), starting with
/// the last-known one, which survives the agent going offline.
/// </summary>
internal sealed class ClusterViewsChannel(IClusterClient client) : ICableChannel
{
    public string Name => "ClusterViewsChannel";

    public bool RequiresAgent => true;

    public string KeyFor(string? agent) => agent!;

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct) =>
        CableStream.SubscribeAsync<ClusterView>(client, StreamNames.ClusterViews, key, topic, v => v.AgentId, Render);

    public async Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct)
    {
        if (await AgentExistence.RefusalAsync(client, agent, ct) is { } refusal)
        {
            return CableSnapshot.Refused(refusal);
        }

        var last = await client.GetGrain<IClusterViewGrain>(agent!).Get().WaitAsync(ct);
        return CableSnapshot.Of(CableFrames.Write(w =>
        {
            w.WriteString("type", "snapshot");
            w.WriteNumber("seq", sequence);
            w.WriteString("epoch", epoch);
            w.WriteString("agent", agent);
            w.WriteBoolean("offline", last.Offline);
            if (last.ReceivedAt is { } received)
            {
                w.WriteString("received_at", received);
            }

            if (last.View is { } view)
            {
                w.WritePropertyName("view");
                WriteView(w, view);
            }
        }));
    }

    private static byte[] Render(ClusterView view, long seq, string epoch) => CableFrames.Write(w =>
    {
        w.WriteString("type", "cluster_view");
        w.WriteNumber("seq", seq);
        w.WriteString("epoch", epoch);
        w.WriteString("agent", view.AgentId);
        w.WritePropertyName("view");
        WriteView(w, view);
    });

    private static void WriteView(Utf8JsonWriter w, ClusterView view)
    {
        w.WriteStartObject();
        w.WriteNumber("agent_sequence", view.Sequence);
        w.WriteNumber("node_count", view.NodeCount);
        w.WriteNumber("nodes_ready", view.NodesReady);
        w.WriteStartArray("pods_by_namespace");
        foreach (var ns in view.PodsByNamespace)
        {
            w.WriteStartObject();
            w.WriteString("namespace", ns.Namespace);
            w.WriteNumber("pending", ns.Pending);
            w.WriteNumber("running", ns.Running);
            w.WriteNumber("succeeded", ns.Succeeded);
            w.WriteNumber("failed", ns.Failed);
            w.WriteNumber("unknown", ns.Unknown);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("workloads_not_available");
        foreach (var workload in view.WorkloadsNotAvailable)
        {
            w.WriteStartObject();
            w.WriteString("kind", workload.Kind);
            w.WriteString("namespace", workload.Namespace);
            w.WriteString("name", workload.Name);
            w.WriteNumber("desired", workload.Desired);
            w.WriteNumber("available", workload.Available);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("warning_events_per_minute", view.WarningEventsPerMinute);
        w.WriteNumber("warning_window_seconds", view.WarningWindow.TotalSeconds);
        w.WriteString("computed_at", view.ComputedAt);
        w.WriteEndObject();
    }
}
