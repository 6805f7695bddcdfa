using Grpc.Core;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Protocol.Agent;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Agents;

/// <summary>One agent process's control stream on this gateway.</summary>
internal sealed class AgentSession : IDisposable
{
    private readonly SerializedStreamWriter<GatewayMessage> _writer;
    private readonly CancellationTokenSource _closed;
    private readonly AgentHealthCondition _version;

    internal AgentSession(AgentIdentity identity, Hello hello, DateTimeOffset connectedAt,
        IServerStreamWriter<GatewayMessage> writer, CancellationToken callAborted)
    {
        Identity = identity;
        InstanceId = string.IsNullOrWhiteSpace(hello.InstanceId) ? "unknown" : hello.InstanceId;
        AgentVersion = hello.AgentVersion;
        _version = VersionSkew.Judge(hello.AgentVersion, BuildVersion.Current);
        Capabilities = [.. hello.Capabilities];
        ConnectedAt = connectedAt;
        _writer = new SerializedStreamWriter<GatewayMessage>(writer);
        _closed = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
        // Arrays, not collection expressions: the list crosses to the grains, whose serializers know arrays.
        Conditions = new[] { _version };
    }

    /// <summary>The agent and token the session authenticated as.</summary>
    public AgentIdentity Identity { get; }

    /// <summary>The agent process (pod) behind the session.</summary>
    public string InstanceId { get; }

    /// <summary>Version the agent reported in its hello.</summary>
    public string AgentVersion { get; }

    /// <summary>Features the agent declared.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>When the session was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>
    /// The agent process said it leads its agent's replicas. Reports from a process that runs an election go to the
    /// platform only while this holds; one that runs none (an older or a single-replica agent) reports regardless.
    /// </summary>
    public bool Leader { get; internal set; }

    /// <summary>The agent process runs a leader election among its agent's replicas.</summary>
    public bool Elects => Capabilities.Contains(LeadershipReceiver.Capability);

    /// <summary>Cluster reports (events, views) from this process are the agent's.</summary>
    public bool MayReport => !Elects || Leader;

    /// <summary>Busy tunnels, as of the agent's last heartbeat.</summary>
    public int ActiveTunnels { get; private set; }

    /// <summary>Cancelled when the gateway closes the session or the agent goes away.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Why the gateway closed the session, if it did.</summary>
    public Status? CloseStatus { get; private set; }

    /// <summary>
    /// The agent process's health as of its last heartbeat, and whether its version is within the skew policy
    /// (<see cref="VersionSkew"/>), which the gateway judges at once.
    /// </summary>
    public IReadOnlyList<AgentHealthCondition> Conditions { get; private set; }

    internal void OnHeartbeat(Heartbeat heartbeat)
    {
        ActiveTunnels = Math.Max(0, heartbeat.ActiveTunnels);
        if (heartbeat.Conditions.Count > 0)
        {
            // The version condition is the gateway's to judge; an agent's own is not taken.
            Conditions = heartbeat.Conditions.Where(c => c.Type != VersionSkew.ConditionType).Take(MaxConditions)
                .Select(c => new AgentHealthCondition(Bounded(c.Type), c.Ok, Bounded(c.Message))).Append(_version).ToArray();
        }
    }

    // A heartbeat is the agent's word; what the gateway keeps of it and passes on is bounded.
    private const int MaxConditions = 64, MaxConditionText = 512;

    private static string Bounded(string text) => text.Length <= MaxConditionText ? text : text[..MaxConditionText];

    /// <summary>Sends a message down the session.</summary>
    public ValueTask SendAsync(GatewayMessage message, CancellationToken ct) => _writer.WriteAsync(message, ct);

    /// <summary>Ends the session with a status the agent will see.</summary>
    public void Close(Status status)
    {
        CloseStatus ??= status;
        _closed.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _closed.Dispose();
        _writer.Dispose();
    }
}
