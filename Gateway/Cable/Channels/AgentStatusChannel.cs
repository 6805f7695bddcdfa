using System.Text.Json;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Grains.Streams;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Cable.Channels;

/// <summary>
/// <c>AgentStatusChannel</c>: connected/disconnected changes of one agent (<c>agent</c> given) or of every agent
/// the caller may see, and changes of a connected agent's health conditions. Starts with a snapshot of the agents'
/// current status.
/// </summary>
internal sealed class AgentStatusChannel(IClusterClient client, AgentDirectoryFallback directory, IOptions<CableOptions> options) : ICableChannel
{
    public string Name => "AgentStatusChannel";

    public bool RequiresAgent => false;

    public string KeyFor(string? agent) => agent ?? AgentStatusChanged.FleetKey;

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct) =>
        CableStream.SubscribeAsync<AgentStatusChanged>(client, StreamNames.AgentStatus, key, topic, c => c.AgentId, Render);

    public async Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct)
    {
        List<AgentListing> agents = [];
        var truncated = false;
        if (agent is not null)
        {
            var one = await client.GetGrain<IAgentGrain>(agent).Get().WaitAsync(ct);
            if (one is null)
            {
                return CableSnapshot.Refused($"agent {agent} is not registered");
            }

            agents.Add(AgentListing.From(one));
        }
        else if (caller.Agents is { } allowed)
        {
            var limit = options.Value.SnapshotMaxAgents;
            var names = allowed.Order(StringComparer.Ordinal).ToList();
            truncated = names.Count > limit;
            var found = await Task.WhenAll(names.Take(limit).Select(n => client.GetGrain<IAgentGrain>(n).Get()));
            agents.AddRange(found.OfType<AgentSnapshot>().Select(AgentListing.From));
        }
        else
        {
            // While a shard cannot answer (its silo was lost), the snapshot comes from the gateway's copy of the directory.
            var (page, _) = await directory.PageAsync(null, options.Value.SnapshotMaxAgents, LabelSelector.Everything, connectedOnly: false, ct);
            truncated = page.NextAfter is not null;
            agents.AddRange(page.Agents);
        }

        return CableSnapshot.Of(CableFrames.Write(w =>
        {
            w.WriteString("type", "snapshot");
            w.WriteNumber("seq", sequence);
            w.WriteString("epoch", epoch);
            w.WriteStartArray("agents");
            foreach (var a in agents)
            {
                w.WriteStartObject();
                w.WriteString("agent", a.Name);
                w.WriteBoolean("connected", a.Connected);
                if (a.Since is { } since)
                {
                    w.WriteString("since", since);
                }

                // The replica that runs GitOps and publishes; null when the agent runs no election.
                if (a.LeaderInstanceId is { } leader)
                {
                    w.WriteString("leader", leader);
                }
                else
                {
                    w.WriteNull("leader");
                }

                w.WriteNumber("replicas", a.Replicas);
                w.WriteStartArray("connections");
                foreach (var lease in a.Connections)
                {
                    w.WriteStartObject();
                    w.WriteString("gateway", lease.GatewayId);
                    w.WriteString("instance", lease.InstanceId);
                    w.WriteString("version", lease.AgentVersion);
                    w.WriteString("connected_at", lease.ConnectedAt);
                    w.WriteBoolean("leader", lease.Leader);
                    // The replica's health as of its last heartbeat (GetAgent's conditions); empty from an agent that reports none.
                    WriteConditions(w, lease.Conditions ?? []);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("truncated", truncated);
        }));
    }

    private static byte[] Render(AgentStatusChanged change, long seq, string epoch) => CableFrames.Write(w =>
    {
        // A change of health alone has a type of its own, so clients that read agent_status as a (dis)connection do not
        // take it for a new connection.
        w.WriteString("type", change.ConditionsOnly ? "agent_conditions" : "agent_status");
        w.WriteNumber("seq", seq);
        w.WriteString("epoch", epoch);
        w.WriteString("agent", change.AgentId);
        w.WriteBoolean("connected", change.Connected);
        w.WriteString("gateway", change.GatewayId);
        w.WriteString("instance", change.InstanceId);
        w.WriteString("at", change.At);
        // The reporting replica's health with the renewal that caused the change; absent when a lease dropped or lapsed.
        if (change.Conditions is { } conditions)
        {
            WriteConditions(w, conditions);
        }
    });

    private static void WriteConditions(Utf8JsonWriter w, IReadOnlyList<AgentHealthCondition> conditions)
    {
        w.WriteStartArray("conditions");
        foreach (var condition in conditions)
        {
            w.WriteStartObject();
            w.WriteString("type", condition.Type);
            w.WriteBoolean("ok", condition.Ok);
            w.WriteString("message", condition.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
