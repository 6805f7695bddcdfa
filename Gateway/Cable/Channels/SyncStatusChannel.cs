using System.Text.Json;
using Plural.Gateway.Access;
using Plural.Gateway.GitOps;
using Plural.Grains.GitOps;
using Plural.Grains.Streams;

namespace Plural.Gateway.Cable.Channels;

/// <summary>
/// <c>SyncStatusChannel</c>: the GitOps sync status of one agent (<c>agent</c> required), starting with the current
/// one and then whenever it changes: a new commit sent, the agent's report (applied, failed with the API server's
/// reason, pruned), or manifests the server could not read.
/// </summary>
internal sealed class SyncStatusChannel(IClusterClient client) : ICableChannel
{
    public string Name => "SyncStatusChannel";

    public bool RequiresAgent => true;

    public string KeyFor(string? agent) => agent!;

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct) =>
        CableStream.SubscribeAsync<AgentSyncStatus>(client, StreamNames.SyncStatus, key, topic, s => s.Agent,
            (status, seq, epoch) => Render("sync_status", status, seq, epoch));

    public async Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct)
    {
        if (await AgentExistence.RefusalAsync(client, agent, ct) is { } refusal)
        {
            return CableSnapshot.Refused(refusal);
        }

        var status = await client.GetGrain<IAgentConfigGrain>(agent!).GetSyncStatus().WaitAsync(ct);
        return CableSnapshot.Of(Render("snapshot", status, sequence, epoch));
    }

    private static byte[] Render(string type, AgentSyncStatus status, long seq, string epoch) => CableFrames.Write(w =>
    {
        w.WriteString("type", type);
        w.WriteNumber("seq", seq);
        w.WriteString("epoch", epoch);
        w.WriteString("agent", status.Agent);
        w.WriteString("updated_at", status.UpdatedAt);
        w.WriteStartArray("targets");
        foreach (var target in status.Targets)
        {
            WriteTarget(w, target);
        }

        w.WriteEndArray();
    });

    private static void WriteTarget(Utf8JsonWriter w, TargetSyncStatus target)
    {
        w.WriteStartObject();
        w.WriteString("target", target.Target);
        w.WriteString("repository", target.Repository);
        w.WriteString("ref", target.Ref);
        w.WriteString("desired_commit", target.DesiredCommit ?? "");
        w.WriteNumber("documents", target.Documents);
        w.WriteStartArray("read_errors");
        foreach (var error in target.ReadErrors)
        {
            w.WriteStringValue(error);
        }

        w.WriteEndArray();
        w.WriteString("reported_commit", target.LastReport?.Commit ?? "");
        if (target.LastReport is { } report)
        {
            w.WriteString("reported_at", report.FinishedAt);
            w.WriteBoolean("reapply", report.Reapply);
        }

        w.WriteStartArray("objects");
        foreach (var o in target.LastReport?.Objects ?? [])
        {
            w.WriteStartObject();
            w.WriteString("path", o.Path);
            w.WriteNumber("index", o.Index);
            w.WriteString("api_version", o.ApiVersion);
            w.WriteString("kind", o.Kind);
            w.WriteString("namespace", o.Namespace);
            w.WriteString("name", o.Name);
            w.WriteString("state", GitOpsServerMapper.StateName(o.State));
            w.WriteString("message", o.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
