using Plural.Testing.Cable;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Agents;
using Plural.Grains.Streams;

namespace Plural.Cable.Tests;

/// <summary>How events reach subscribers spread over gateways, and what that costs the silo.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class FanOutTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Subscribers_on_both_gateways_see_an_agent_on_one_and_the_silo_holds_one_subscription_per_gateway()
    {
        var agent = await platform.RegisterAgentAsync("fanout");
        var identifier = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name }.ToJsonString();
        await using var onA = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await using var onB = await CableDriver.StartAsync(platform.GatewayB.CableUrl(CablePlatform.AdminToken));
        await onA.SubscribeAsync("s", new { channel = "AgentStatusChannel", agent = agent.Name });
        await onB.SubscribeAsync("s", new { channel = "AgentStatusChannel", agent = agent.Name });
        List<RawCable> extra = [];
        foreach (var gateway in new[] { platform.GatewayA, platform.GatewayB })
        {
            for (var i = 0; i < 5; i++)
            {
                var cable = await RawCable.ConnectAsync(gateway.CableUrl(CablePlatform.AdminToken));
                await cable.SubscribeAsync(identifier);
                await cable.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
                extra.Add(cable);
            }
        }

        await onA.WaitForMessageAsync("s", m => (string?)m["type"] == "snapshot", Wait);
        await onB.WaitForMessageAsync("s", m => (string?)m["type"] == "snapshot", Wait);
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA);

        var seenOnA = await onA.WaitForMessageAsync("s", m => (string?)m["type"] == "agent_status" && (bool)m["connected"]!, Wait);
        var seenOnB = await onB.WaitForMessageAsync("s", m => (string?)m["type"] == "agent_status" && (bool)m["connected"]!, Wait);
        Assert.Equal(platform.GatewayA.Id, (string?)seenOnA["gateway"]);
        Assert.Equal(platform.GatewayA.Id, (string?)seenOnB["gateway"]);
        Assert.NotEqual((string?)seenOnA["epoch"], (string?)seenOnB["epoch"]);
        foreach (var cable in extra)
        {
            await cable.ReadUntilAsync(m => (string?)m["message"]?["type"] == "agent_status", Wait);
        }

        // 12 subscribers on two gateways: the silo delivers to two consumers, one per gateway.
        var subscriptions = await platform.Cluster.SubscriptionsAsync(StreamNames.AgentStatus, agent.Name);
        Assert.Equal(2, subscriptions.Count);
        Assert.Equal(2, subscriptions.Select(s => s.GrainId).Distinct().Count());

        foreach (var cable in extra)
        {
            await cable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Agent_whose_gateway_vanishes_shows_disconnected_once_its_lease_lapses()
    {
        var agent = await platform.RegisterAgentAsync("lapse");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("s", new { channel = "AgentStatusChannel", agent = agent.Name });
        await client.WaitForMessageAsync("s", m => (string?)m["type"] == "snapshot", Wait);

        // A gateway that renews one lease and then disappears without dropping it, as a crashed one would.
        var lease = new LeaseRenewal("gw-crashed", "http://127.0.0.1:1", "pod", "test", agent.TokenId, DateTimeOffset.UtcNow, 2, 0, TimeSpan.FromSeconds(3));
        Assert.Equal(LeaseDecision.Accepted, await platform.Cluster.Client.GetGrain<IAgentGrain>(agent.Name).RenewLease(lease));

        var up = await client.WaitForMessageAsync("s", m => (string?)m["type"] == "agent_status" && (bool)m["connected"]!, Wait);
        var down = await client.WaitForMessageAsync("s", m => (string?)m["type"] == "agent_status" && !(bool)m["connected"]!, Wait);
        Assert.Equal("gw-crashed", (string?)down["gateway"]);
        var lapsedAfter = DateTimeOffset.Parse((string)down["at"]!) - DateTimeOffset.Parse((string)up["at"]!);
        Assert.True(lapsedAfter >= TimeSpan.FromSeconds(3), $"disconnected after {lapsedAfter}, before the lease's time to live");
    }

    [Fact]
    public async Task Gateway_drops_its_stream_subscription_after_the_last_local_subscriber_leaves()
    {
        var agent = await platform.RegisterAgentAsync("linger");
        var identifier = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name }.ToJsonString();
        var cables = new List<RawCable>();
        for (var i = 0; i < 3; i++)
        {
            var cable = await RawCable.ConnectAsync(platform.GatewayB.CableUrl(CablePlatform.AdminToken));
            await cable.SubscribeAsync(identifier);
            await cable.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
            cables.Add(cable);
        }

        Assert.Single(await platform.Cluster.SubscriptionsAsync(StreamNames.AgentStatus, agent.Name));
        await cables[0].DisposeAsync();
        await cables[1].DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await platform.Cluster.SubscriptionsAsync(StreamNames.AgentStatus, agent.Name));

        await cables[2].DisposeAsync();

        // The platform lingers 15 s after the last subscriber before unsubscribing.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await platform.Cluster.SubscriptionsAsync(StreamNames.AgentStatus, agent.Name)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the gateway kept its stream subscription after every subscriber left");
            await Task.Delay(500);
        }
    }
}
