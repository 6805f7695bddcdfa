using Google.Protobuf.WellKnownTypes;
using Plural.Grains.Agents;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Agents;

/// <summary>
/// Takes a replica's word that it became (or stopped being) its agent's leader: records it in the session's lease at
/// once, so <c>GetAgent</c> names the new leader without waiting for the next renewal, and answers a new leader with
/// where the agent's event log left off, so it publishes neither twice nor too little.
/// </summary>
internal sealed partial class LeadershipReceiver(LeaseKeeper leases, IGrainFactory grains, ILogger<LeadershipReceiver> logger)
{
    /// <summary>Capability of agents whose replicas elect a leader and say so on their sessions.</summary>
    public const string Capability = "leader.election.v1";

    /// <summary>The capabilities this room accepts, to be intersected with what an agent declares.</summary>
    public static IReadOnlyList<string> AcceptedCapabilities { get; } = [Capability];

    /// <summary>Records the replica's standing and, when it leads, sends it the published high-water marks.</summary>
    public async Task ReceiveAsync(AgentSession session, Leadership leadership, CancellationToken ct)
    {
        session.Leader = leadership.Leader;
        LogLeadership(logger, session.Identity.AgentName, session.InstanceId, leadership.Leader);
        await leases.RenewAsync(session);
        if (!leadership.Leader)
        {
            return;
        }

        var published = await grains.GetGrain<IAgentEventLogGrain>(session.Identity.AgentName).PublishedVersions();
        var answer = new PublishedVersions { LogStartedAt = Timestamp.FromDateTimeOffset(published.Since) };
        foreach (var (kind, version) in published.ByKind) answer.ResourceVersions[kind] = version;
        await session.SendAsync(new GatewayMessage { PublishedVersions = answer }, ct);
    }

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Agent {AgentName} instance {InstanceId} leads its replicas: {Leader}")]
    private static partial void LogLeadership(ILogger logger, string agentName, string instanceId, bool leader);
}
