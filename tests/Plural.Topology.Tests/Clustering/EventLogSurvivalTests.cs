using Grpc.Core;
using k8s;
using k8s.Models;
using Plural.Protocol.Server;
using Plural.Testing.Cable;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Clustering;

/// <summary>
/// An agent's cluster events outlive the silo that holds its event log: the log is stored, the gateway repeats an
/// append the dead silo never answered, and readers poll again on the log's next activation.
/// </summary>
[Collection(PostgresTopologyCollection.Name)]
public sealed class EventLogSurvivalTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    private const int BeforeKill = 30;
    private const int Total = 180;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Killing_the_silo_that_holds_an_agents_event_log_while_events_flow_loses_nothing_for_a_watcher_or_a_cable_subscriber()
    {
        var name = "survivor-" + Guid.NewGuid().ToString("N")[..6];
        var prefix = name + "-ns-";
        var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
        await using var agent = await EmulatedClusterAgent.StartAsync(name, token, fixture.Balancer.Url);
        await WaitConnectedAsync(name);

        using var watchStop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var watch = fixture.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = name }, cancellationToken: watchStop.Token);
        await watch.ResponseHeadersAsync;
        var watched = new List<ClusterEventInfo>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in watch.ResponseStream.ReadAllAsync(watchStop.Token))
                {
                    lock (watched)
                    {
                        watched.Add(item);
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
            {
            }
        });

        var cableGateway = fixture.Cluster.Gateways[^1].Endpoint;
        await using var cable = await CableDriver.StartAsync(new Uri(
            $"ws://{cableGateway.HttpUrl.Authority}/cable?token={Uri.EscapeDataString(TopologyCluster.AdminToken)}"));
        await cable.SubscribeAsync("events", new { channel = "ClusterEventsChannel", agent = name });
        await cable.WaitForMessageAsync("events", m => (string?)m["type"] == "snapshot", Patience);

        await CreateNamespacesAsync(agent.Admin, prefix, 1, BeforeKill);
        var victim = fixture.Cluster.Silos.Single(s => s.Process.Printed($"Event log of agent {name} active on this silo"));
        var killedAt = DateTime.UtcNow;
        await fixture.Cluster.StopSiloAsync(victim, kill: true);
        output.WriteLine($"killed {victim.Name}, which held the event log of {name}, after {BeforeKill} changes");
        try
        {
            await CreateNamespacesAsync(agent.Admin, prefix, BeforeKill + 1, Total);

            var last = prefix + Total;
            await Eventually(() => Names(Snapshot(watched)).Contains(last), "the watcher seeing the last change");
            await cable.WaitForMessageAsync("events", m => (string?)m["type"] == "cluster_event" && (string?)m["name"] == last, Patience);
            output.WriteLine($"both readers had all {Total} changes {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");
        }
        finally
        {
            await fixture.Cluster.StartSiloAsync();
        }

        var expected = Enumerable.Range(1, Total).Select(i => prefix + i).ToList();
        var seen = Snapshot(watched);
        Assert.DoesNotContain(seen, e => e.Gap is not null);
        Assert.Equal(expected, Names(seen).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        var positions = seen.Select(e => e.Position).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());

        var messages = cable.Received("events");
        Assert.DoesNotContain(messages, m => (string?)m["type"] == "reset");
        Assert.Equal(expected, messages
            .Where(m => (string?)m["type"] == "cluster_event" && (string?)m["kind"] == "Namespace")
            .Select(m => (string)m["name"]!)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));

        await watchStop.CancelAsync();
        await watching;
    }

    private async Task WaitConnectedAsync(string name)
    {
        await Eventually(async () =>
        {
            var agent = await fixture.Api.GetAgentAsync(new GetAgentRequest { Name = name });
            return agent.Status.Connected;
        }, $"{name} connected");
    }

    private static async Task CreateNamespacesAsync(IKubernetes admin, string prefix, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = prefix + i } });
            await Task.Delay(Pace);
        }
    }

    private static List<ClusterEventInfo> Snapshot(List<ClusterEventInfo> watched)
    {
        lock (watched)
        {
            return [.. watched];
        }
    }

    private static IEnumerable<string> Names(IEnumerable<ClusterEventInfo> events) =>
        events.Where(e => e.Gap is null && e.Kind == "Namespace").Select(e => e.Name);

    private static Task Eventually(Func<bool> condition, string what) => Eventually(() => Task.FromResult(condition()), what);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Patience}");
            await Task.Delay(250);
        }
    }
}
