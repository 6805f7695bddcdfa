using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Plural.Cable.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Plural.Protocol.Server;

namespace Plural.Cable.Tests;

/// <summary>
/// The gateway's side of an agent's leader election, spoken over a raw session as a replica speaks it: reports count
/// only from the replica that said it leads, the gateway answers it with where the event log left off, and
/// <c>GetAgent</c> names it.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class LeadershipSessionTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_replica_that_elects_is_heard_only_after_it_says_it_leads_and_learns_where_the_log_left_off()
    {
        var agent = await platform.RegisterAgentAsync("elects");
        using var channel = GrpcChannel.ForAddress(platform.GatewayA.AgentUrl);
        using var stop = new CancellationTokenSource();
        using var session = new AgentGateway.AgentGatewayClient(channel).Session(new Metadata { { "authorization", "Bearer " + agent.Token } }, cancellationToken: stop.Token);
        await session.RequestStream.WriteAsync(new AgentMessage
        {
            Hello = new Hello { AgentVersion = "test", InstanceId = "replica-1", Capabilities = { "tunnel.http.v1", "cluster.events.v1", "leader.election.v1" } },
        });
        Assert.True(await session.ResponseStream.MoveNext(stop.Token));
        Assert.Contains("leader.election.v1", session.ResponseStream.Current.Welcome.AcceptedCapabilities);
        using var watch = platform.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = agent.Name }, cancellationToken: stop.Token);
        await watch.ResponseHeadersAsync.WaitAsync(Wait);
        var watched = new ConcurrentQueue<ClusterEventInfo>();
        var watching = Task.Run(async () =>
        {
            await foreach (var item in watch.ResponseStream.ReadAllAsync(stop.Token))
            {
                watched.Enqueue(item);
            }
        });

        await session.RequestStream.WriteAsync(Event(1, "unheard", "5"));
        var first = await ClaimAsync(session, stop.Token);
        var leading = await Eventually.UntilAsync(() => StatusAsync(agent.Name), s => s.LeaderInstanceId == "replica-1", Wait, "GetAgent to name the replica");
        await session.RequestStream.WriteAsync(Event(2, "heard", "7"));
        await Eventually.HoldsAsync(() => watched.Any(e => e.Name == "heard"), Wait, "the leader's event");
        var again = await Eventually.UntilAsync(() => ClaimAsync(session, stop.Token), p => p.ResourceVersions.ContainsKey("Namespace"), Wait, "the log to hold the leader's event");
        await session.RequestStream.WriteAsync(new AgentMessage { Leadership = new Protocol.Agent.Leadership { Leader = false, Identity = "replica-1" } });
        var stepped = await Eventually.UntilAsync(() => StatusAsync(agent.Name), s => s.LeaderInstanceId.Length == 0, Wait, "GetAgent to name no leader");

        // Reports are handled in order, so the event sent before the claim was dropped, not delayed.
        Assert.Equal(["heard"], watched.Select(e => e.Name));
        Assert.Empty(first.ResourceVersions);
        Assert.NotNull(first.LogStartedAt);
        Assert.Equal("7", again.ResourceVersions["Namespace"]);
        Assert.Equal((1, true), (leading.Replicas, Assert.Single(leading.Connections).Leader));
        Assert.False(Assert.Single(stepped.Connections).Leader);
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static AgentMessage Event(long sequence, string name, string resourceVersion) => new()
    {
        ClusterEvents = new ClusterEventBatch
        {
            Events = { new ClusterEventRecord { Sequence = sequence, Type = "ADDED", Kind = "Namespace", Name = name, ResourceVersion = resourceVersion, Summary = "Active" } },
        },
    };

    /// <summary>Says the replica leads and returns the gateway's answer.</summary>
    private static async Task<PublishedVersions> ClaimAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> session, CancellationToken ct)
    {
        await session.RequestStream.WriteAsync(new AgentMessage { Leadership = new Protocol.Agent.Leadership { Leader = true, Identity = "replica-1" } }, ct);
        while (await session.ResponseStream.MoveNext(ct))
        {
            if (session.ResponseStream.Current.KindCase == GatewayMessage.KindOneofCase.PublishedVersions)
            {
                return session.ResponseStream.Current.PublishedVersions;
            }
        }

        throw new InvalidOperationException("the gateway ended the session");
    }

    private async Task<AgentStatus> StatusAsync(string agent) => (await platform.Api.GetAgentAsync(new GetAgentRequest { Name = agent })).Status;
}
