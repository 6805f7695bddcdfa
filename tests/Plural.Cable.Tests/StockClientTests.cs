using Plural.Testing.Cable;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Agents;

namespace Plural.Cable.Tests;

/// <summary>The stock <c>@rails/actioncable</c> client (over <c>ws</c>) against a real gateway and real agents.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class StockClientTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stock_client_is_confirmed_gets_a_snapshot_and_sees_a_real_agent_connect_and_disconnect()
    {
        var agent = await platform.RegisterAgentAsync("live");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));

        await client.SubscribeAsync("one", new { channel = "AgentStatusChannel", agent = agent.Name });
        await client.SubscribeAsync("all", new { channel = "AgentStatusChannel" });

        await client.WaitForAsync(e => CableDriver.Is(e, "connected") && (string?)e["sub"] == "one", Wait);
        var snapshot = await client.WaitForMessageAsync("one", m => (string?)m["type"] == "snapshot", Wait);
        var listed = Assert.Single(snapshot["agents"]!.AsArray())!.AsObject();
        Assert.Equal(agent.Name, (string?)listed["agent"]);
        Assert.False((bool)listed["connected"]!);

        var process = await platform.StartAgentAsync(agent, platform.GatewayA);
        var connected = await client.WaitForMessageAsync("one", m => (string?)m["type"] == "agent_status" && (bool)m["connected"]!, Wait);
        Assert.Equal(platform.GatewayA.Id, (string?)connected["gateway"]);
        Assert.Equal($"{agent.Name}-pod", (string?)connected["instance"]);
        await client.WaitForMessageAsync("all", m => IsStatus(m, agent.Name, connected: true), Wait);

        await process.KillAsync();
        await process.DisposeAsync();
        var disconnected = await client.WaitForMessageAsync("one", m => (string?)m["type"] == "agent_status" && !(bool)m["connected"]!, Wait);
        Assert.Equal((long)connected["seq"]! + 1, (long)disconnected["seq"]!);
        await client.WaitForMessageAsync("all", m => IsStatus(m, agent.Name, connected: false), Wait);
    }

    [Fact]
    public async Task Stock_client_sees_cluster_events_and_views_of_a_real_agent_watching_a_cluster()
    {
        var agent = await platform.RegisterAgentAsync("events");
        await using var client = await CableDriver.StartAsync(platform.GatewayB.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("events", new { channel = "ClusterEventsChannel", agent = agent.Name });
        await client.SubscribeAsync("views", new { channel = "ClusterViewsChannel", agent = agent.Name });
        await client.SubscribeAsync("nameless", new { channel = "ClusterEventsChannel" });
        await client.WaitForMessageAsync("events", m => (string?)m["type"] == "snapshot", Wait);
        var empty = await client.WaitForMessageAsync("views", m => (string?)m["type"] == "snapshot", Wait);
        Assert.Null(empty["view"]);
        var rejection = await client.WaitForAsync(e => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == "reject_subscription", Wait);
        Assert.Contains("needs \"agent\"", (string?)rejection["frame"]!["reason"]);

        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA);
        // The first view comes once the agent's informers have listed; changes from then on are events.
        var view = await client.WaitForMessageAsync("views", m => (string?)m["type"] == "cluster_view", Wait);
        Assert.True((int)view["view"]!["node_count"]! >= 0);
        var ns = "cable-" + Guid.NewGuid().ToString("N")[..6];
        await platform.CreateNamespaceAsync(ns);

        var created = await client.WaitForMessageAsync("events", m => (string?)m["type"] == "cluster_event" && (string?)m["name"] == ns, Wait);
        Assert.Equal("ADDED", (string?)created["event_type"]);
        Assert.Equal(agent.Name, (string?)created["agent"]);
    }

    [Fact]
    public async Task User_token_is_rejected_for_an_agent_it_does_not_reach_and_sees_only_its_agents_on_the_fleet_channel()
    {
        var mine = await platform.RegisterAgentAsync("mine");
        var theirs = await platform.RegisterAgentAsync("theirs");
        var token = await platform.IssueUserTokenAsync("alice", mine.Name);
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(token));

        await client.SubscribeAsync("theirs", new { channel = "AgentStatusChannel", agent = theirs.Name });
        await client.SubscribeAsync("mine", new { channel = "AgentStatusChannel", agent = mine.Name });
        await client.SubscribeAsync("fleet", new { channel = "AgentStatusChannel" });

        await client.WaitForAsync(e => CableDriver.Is(e, "rejected") && (string?)e["sub"] == "theirs", Wait);
        var rejection = await client.WaitForAsync(e => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == "reject_subscription", Wait);
        Assert.Contains($"alice may not see agent {theirs.Name}", (string?)rejection["frame"]!["reason"]);
        await client.WaitForAsync(e => CableDriver.Is(e, "connected") && (string?)e["sub"] == "mine", Wait);
        var fleet = await client.WaitForMessageAsync("fleet", m => (string?)m["type"] == "snapshot", Wait);
        Assert.Equal([mine.Name], fleet["agents"]!.AsArray().Select(a => (string?)a!["agent"]));

        await using var other = await platform.StartAgentAsync(theirs, platform.GatewayA);
        await using var own = await platform.StartAgentAsync(mine, platform.GatewayA);
        await client.WaitForMessageAsync("fleet", m => IsStatus(m, mine.Name, connected: true), Wait);
        Assert.DoesNotContain(client.Received("fleet"), m => (string?)m["agent"] == theirs.Name);
    }

    [Fact]
    public async Task Stock_client_resumes_after_a_forced_disconnect_without_missing_a_message()
    {
        var agent = await platform.RegisterAgentAsync("resume");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("s", new { channel = "AgentStatusChannel", agent = agent.Name });
        await client.WaitForMessageAsync("s", m => (string?)m["type"] == "snapshot", Wait);
        var first = await platform.StartAgentAsync(agent, platform.GatewayA);
        var before = await client.WaitForMessageAsync("s", m => IsStatus(m, agent.Name, connected: true), Wait);

        await client.DropAsync();
        await client.WaitForAsync(e => CableDriver.Is(e, "disconnected"), Wait);
        // Two changes while the client is away: the agent goes, and comes back through the other gateway.
        await first.KillAsync();
        await first.DisposeAsync();
        await platform.WaitForAgentAsync(agent.Name, connected: false, Wait);
        await using var second = await platform.StartAgentAsync(agent, platform.GatewayB);
        await platform.WaitForAgentAsync(agent.Name, connected: true, Wait);
        await client.ReconnectAsync();

        await client.WaitForAsync(_ => client.Events.Count(e => CableDriver.Is(e, "connected")) == 2, Wait);
        var back = await client.WaitForMessageAsync("s", m => IsStatus(m, agent.Name, connected: true) && (long)m["seq"]! > (long)before["seq"]!, Wait);
        var messages = client.Received("s");
        Assert.DoesNotContain(messages, m => (string?)m["type"] == "reset");
        Assert.Single(messages, m => (string?)m["type"] == "snapshot");
        var statuses = messages.Where(m => (string?)m["type"] == "agent_status").ToList();
        Assert.Equal(Enumerable.Range(1, statuses.Count).Select(i => (long)i), statuses.Select(m => (long)m["seq"]!));
        Assert.Equal([true, false, true], statuses.Select(m => (bool)m["connected"]!));
        Assert.Equal(platform.GatewayB.Id, (string?)back["gateway"]);
    }

    [Fact]
    public async Task Unknown_credential_gets_disconnect_unauthorized_and_the_client_stops()
    {
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl("not-a-token"));
        await client.SubscribeAsync("s", new { channel = "AgentStatusChannel" });

        var frame = await client.WaitForAsync(e => CableDriver.Is(e, "frame"), Wait);
        Assert.Equal("disconnect", (string?)frame["frame"]!["type"]);
        Assert.Equal("unauthorized", (string?)frame["frame"]!["reason"]);
        Assert.False((bool)frame["frame"]!["reconnect"]!);
        await client.WaitForAsync(e => CableDriver.Is(e, "socket_closed"), Wait);
        await Task.Delay(TimeSpan.FromSeconds(8)); // longer than the stock client's stale threshold
        Assert.Single(client.Events, e => CableDriver.Is(e, "socket_closed"));
    }

    [Fact]
    public async Task Unsubscribed_subscription_gets_no_further_messages_while_another_on_the_same_connection_keeps_receiving()
    {
        var agent = await platform.RegisterAgentAsync("unsub");
        // Real status changes: the agent's grain announces a lease from a gateway (as a connected agent's would)
        // and its drop, on the agent's stream and the fleet's.
        var grain = platform.Cluster.Client.GetGrain<IAgentGrain>(agent.Name);
        var lease = new LeaseRenewal("gw-unsub", "http://127.0.0.1:1", "pod", "test", agent.TokenId, DateTimeOffset.UtcNow, 2, 0, TimeSpan.FromMinutes(1));
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("agent", new { channel = "AgentStatusChannel", agent = agent.Name });
        await client.SubscribeAsync("fleet", new { channel = "AgentStatusChannel" });
        await client.WaitForMessageAsync("agent", m => (string?)m["type"] == "snapshot", Wait);
        await client.WaitForMessageAsync("fleet", m => (string?)m["type"] == "snapshot", Wait);
        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(lease));
        await client.WaitForMessageAsync("agent", m => IsStatus(m, agent.Name, connected: true), Wait);
        await client.WaitForMessageAsync("fleet", m => IsStatus(m, agent.Name, connected: true), Wait);

        await client.UnsubscribeAsync("agent");
        // Commands travel in order on the one socket: once a later subscription is confirmed, the gateway has
        // handled the unsubscribe, and nothing it queued for that subscription can still be on its way.
        await client.SubscribeAsync("barrier", new { channel = "ClusterViewsChannel", agent = agent.Name });
        static bool Confirmed(JsonObject e) => CableDriver.Is(e, "connected") && (string?)e["sub"] == "barrier";
        await client.WaitForAsync(Confirmed, Wait);
        await grain.DropLease("gw-unsub", "pod");
        await client.WaitForMessageAsync("fleet", m => IsStatus(m, agent.Name, connected: false), Wait);
        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(lease with { ConnectedAt = DateTimeOffset.UtcNow }));
        await client.WaitForAsync(_ => client.Received("fleet").Count(m => IsStatus(m, agent.Name, connected: true)) == 2, Wait);
        await grain.DropLease("gw-unsub", "pod");
        await client.WaitForAsync(_ => client.Received("fleet").Count(m => IsStatus(m, agent.Name, connected: false)) == 2, Wait);

        // What reached the socket, not only what the stock client passed on (it ignores identifiers it forgot).
        var events = client.Events;
        var unsubscribed = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name }.ToJsonString();
        List<JsonObject> Frames(IEnumerable<JsonObject> of) => [.. of.Where(e => CableDriver.Is(e, "frame")).Select(e => e["frame"]!.AsObject())];
        var barrier = events.ToList().FindIndex(e => Confirmed(e));
        Assert.Contains(Frames(events.Take(barrier)), f => (string?)f["identifier"] == unsubscribed && (string?)f["message"]?["type"] == "agent_status");
        var after = Frames(events.Skip(barrier));
        Assert.DoesNotContain(after, f => (string?)f["identifier"] == unsubscribed);
        Assert.Equal(3, after.Count(f => (string?)f["message"]?["type"] == "agent_status" && (string?)f["message"]?["agent"] == agent.Name));
        Assert.Single(client.Received("agent"), m => (string?)m["type"] == "agent_status");
    }

    [Fact]
    public async Task Main_application_jwt_is_welcomed_and_may_subscribe()
    {
        var agent = await platform.RegisterAgentAsync("jwt");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.MintJwt("carol")));

        await client.SubscribeAsync("s", new { channel = "AgentStatusChannel", agent = agent.Name });

        var welcome = await client.WaitForAsync(e => CableDriver.Is(e, "frame"), Wait);
        Assert.Equal("welcome", (string?)welcome["frame"]!["type"]);
        await client.WaitForAsync(e => CableDriver.Is(e, "connected") && (string?)e["sub"] == "s", Wait);
        var snapshot = await client.WaitForMessageAsync("s", m => (string?)m["type"] == "snapshot", Wait);
        Assert.Equal(agent.Name, (string?)Assert.Single(snapshot["agents"]!.AsArray())!["agent"]);
        // The connection checks the token again every 2 s here; a valid one keeps it open.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(client.Events, e => CableDriver.Is(e, "socket_closed") || CableDriver.Is(e, "disconnected"));
    }

    [Fact]
    public async Task Jwt_signed_with_another_secret_gets_disconnect_unauthorized_and_the_client_stops()
    {
        var forged = CablePlatform.MintJwt("mallory", secret: "not-the-main-app-secret-0123456789");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(forged));
        await client.SubscribeAsync("s", new { channel = "AgentStatusChannel" });

        // The WebSocket is accepted (101), then refused in ActionCable's terms, which the stock client does not retry.
        var frame = await client.WaitForAsync(e => CableDriver.Is(e, "frame"), Wait);
        Assert.Equal("disconnect", (string?)frame["frame"]!["type"]);
        Assert.Equal("unauthorized", (string?)frame["frame"]!["reason"]);
        Assert.False((bool)frame["frame"]!["reconnect"]!);
        await client.WaitForAsync(e => CableDriver.Is(e, "socket_closed"), Wait);
        await platform.GatewayA.Process.WaitForOutputAsync("Cable connection refused: bad signature", Wait);
        Assert.DoesNotContain(client.Events, e => CableDriver.Is(e, "connected"));
    }

    private static bool IsStatus(JsonObject message, string agent, bool connected) =>
        (string?)message["type"] == "agent_status" && (string?)message["agent"] == agent && (bool)message["connected"]! == connected;
}
