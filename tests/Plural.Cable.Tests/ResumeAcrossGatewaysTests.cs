using Plural.Testing.Cable;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Cluster;
using Plural.Grains.Agents;

namespace Plural.Cable.Tests;

/// <summary>
/// <c>ClusterEventsChannel</c> subscribers resuming with <c>since</c> on whichever gateway they reach: the sequence
/// numbers are the platform's, so no balancer affinity is needed.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class ResumeAcrossGatewaysTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stock_client_reconnecting_through_a_balancer_to_the_other_gateway_gets_every_missed_event_once_in_order_then_live_ones()
    {
        var agent = await platform.RegisterAgentAsync("moving");
        await using var balancer = TcpBalancer.RoundRobin(platform.GatewayA.HttpUrl.Port, platform.GatewayB.HttpUrl.Port);
        await using var client = await CableDriver.StartAsync(new Uri(
            $"ws://127.0.0.1:{balancer.Port}/cable?token={Uri.EscapeDataString(CablePlatform.AdminToken)}"));
        await client.SubscribeAsync("events", new { channel = "ClusterEventsChannel", agent = agent.Name });
        await client.WaitForMessageAsync("events", m => (string?)m["type"] == "snapshot", Wait);

        await PublishAsync(agent.Name, 1, 3);
        await WaitForEventAsync(client, "e3");
        await client.DropAsync();
        await client.WaitForAsync(e => CableDriver.Is(e, "disconnected"), Wait);
        for (var i = 4; i <= 23; i++)
        {
            // About two seconds of events while the client is away.
            await PublishAsync(agent.Name, i, i);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await client.ReconnectAsync();
        await client.WaitForAsync(_ => client.Events.Count(e => CableDriver.Is(e, "connected")) == 2, Wait);
        await WaitForEventAsync(client, "e23");
        await PublishAsync(agent.Name, 24, 26);
        await WaitForEventAsync(client, "e26");

        Assert.Equal([platform.GatewayA.HttpUrl.Port, platform.GatewayB.HttpUrl.Port], balancer.Routed);
        var messages = client.Received("events");
        Assert.DoesNotContain(messages, m => (string?)m["type"] == "reset");
        Assert.Single(messages, m => (string?)m["type"] == "snapshot");
        var events = messages.Where(m => (string?)m["type"] == "cluster_event").ToList();
        Assert.Equal(Enumerable.Range(1, 26).Select(i => $"e{i}"), events.Select(m => (string?)m["name"]));
        var positions = events.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.All(messages, m => Assert.Equal("log", (string?)m["epoch"]));
    }

    [Fact]
    public async Task Stock_client_told_to_reconnect_by_a_draining_gateway_comes_back_through_the_balancer_at_once_and_misses_nothing()
    {
        var agent = await platform.RegisterAgentAsync("drained");
        await using var draining = await platform.StartGatewayAsync("gw-cable-drain",
            "--Gateway:Drain:ReadinessDelay=00:00:00.500", "--Gateway:Drain:ReconnectSpread=00:00:00.200");
        // The balancer keeps clients on the gateway about to drain while it is up, then sends them to B.
        await using var balancer = TcpBalancer.Failover(draining.HttpUrl.Port, platform.GatewayB.HttpUrl.Port);
        await using var client = await CableDriver.StartAsync(new Uri(
            $"ws://127.0.0.1:{balancer.Port}/cable?token={Uri.EscapeDataString(CablePlatform.AdminToken)}"), reopenAtOnce: true);
        await client.SubscribeAsync("events", new { channel = "ClusterEventsChannel", agent = agent.Name });
        await client.WaitForMessageAsync("events", m => (string?)m["type"] == "snapshot", Wait);
        await PublishAsync(agent.Name, 1, 3);
        await WaitForEventAsync(client, "e3");

        using var http = new HttpClient { BaseAddress = draining.HttpUrl };
        using var drain = new HttpRequestMessage(HttpMethod.Post, "/admin/drain") { Headers = { Authorization = new("Bearer", CablePlatform.AdminToken) } };
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.SendAsync(drain)).StatusCode);
        var publishing = Task.Run(async () =>
        {
            for (var i = 4; i <= 13; i++)
            {
                // Events keep coming while the client moves.
                await PublishAsync(agent.Name, i, i);
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        });

        var told = await client.WaitForAsync(e => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == "disconnect", Wait);
        var toldAt = DateTime.UtcNow;
        await client.WaitForAsync(_ => client.Events.Count(e => CableDriver.Is(e, "connected")) == 2, Wait);
        var backAfter = DateTime.UtcNow - toldAt;
        await publishing;
        await WaitForEventAsync(client, "e13");
        await PublishAsync(agent.Name, 14, 16);
        await WaitForEventAsync(client, "e16");

        Assert.Equal("server_restart", (string?)told["frame"]!["reason"]);
        Assert.True((bool)told["frame"]!["reconnect"]!);
        // At once: well inside the stock connection monitor's 6 s stale threshold.
        Assert.True(backAfter < TimeSpan.FromSeconds(5), $"back after {backAfter}");
        Assert.Equal([draining.HttpUrl.Port, platform.GatewayB.HttpUrl.Port], balancer.Routed.Distinct());
        var messages = client.Received("events");
        Assert.DoesNotContain(messages, m => (string?)m["type"] == "reset");
        var events = messages.Where(m => (string?)m["type"] == "cluster_event").ToList();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"e{i}"), events.Select(m => (string?)m["name"]));
    }

    [Fact]
    public async Task Subscriber_resuming_from_a_position_the_log_does_not_hold_is_reset_with_the_reason_and_gets_a_snapshot()
    {
        var agent = await platform.RegisterAgentAsync("forgotten");
        // Position 1 is older than anything the agent's log holds: it numbers from its activation's time.
        var identifier = new JsonObject
        {
            ["channel"] = "ClusterEventsChannel", ["agent"] = agent.Name, ["since"] = 1, ["epoch"] = "log",
        }.ToJsonString();
        await using var cable = await RawCable.ConnectAsync(platform.GatewayB.CableUrl(CablePlatform.AdminToken));

        await cable.SubscribeAsync(identifier);

        await cable.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
        var reset = (await cable.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        Assert.Equal("reset", (string?)reset["type"]);
        Assert.Contains("no longer holds what followed 1", (string?)reset["reason"]);
        var snapshot = (await cable.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        Assert.Equal("snapshot", (string?)snapshot["type"]);
        Assert.Equal((long)reset["seq"]!, (long)snapshot["seq"]!);
        await PublishAsync(agent.Name, 1, 1);
        var next = (await cable.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        Assert.Equal("e1", (string?)next["name"]);
        Assert.True((long)next["seq"]! > (long)snapshot["seq"]!);
    }

    /// <summary>Stores events <c>e{from}</c>..<c>e{to}</c> in the agent's event log, as its gateway would.</summary>
    private async Task PublishAsync(string agent, int from, int to)
    {
        IReadOnlyList<ClusterEvent> events = [.. Enumerable.Range(from, to - from + 1).Select(i =>
            new ClusterEvent(agent, i, ClusterEventTypes.Added, "ConfigMap", "demo", $"e{i}", $"{i}", "", DateTimeOffset.UtcNow))];
        await platform.Cluster.Client.GetGrain<IAgentEventLogGrain>(agent).Append(Guid.NewGuid().ToString("N"), events);
    }

    private static Task WaitForEventAsync(CableDriver client, string name) =>
        client.WaitForMessageAsync("events", m => (string?)m["type"] == "cluster_event" && (string?)m["name"] == name, Wait);
}
