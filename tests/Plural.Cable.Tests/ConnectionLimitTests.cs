using Plural.Testing.Cable;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>
/// Per-connection limits of <c>/cable</c>: command rate, subscriptions and message size, on a gateway started with
/// small limits so that a test reaches them quickly.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class ConnectionLimitTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_stock_client_sending_commands_past_the_rate_is_disconnected_as_rate_limited_and_reconnects_by_itself()
    {
        var agent = await platform.RegisterAgentAsync("rate");
        await using var gateway = await platform.StartGatewayAsync("gw-cable-rate",
            "--Gateway:Cable:MessagesPerSecond=5", "--Gateway:Cable:MessageBurst=20");
        await using var client = await CableDriver.StartAsync(gateway.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("status", new { channel = "AgentStatusChannel", agent = agent.Name });
        await client.WaitForAsync(e => CableDriver.Is(e, "connected") && (string?)e["sub"] == "status", Wait);

        await client.PerformAsync("status", 60);

        var disconnect = await client.WaitForAsync(e => IsFrame(e, "disconnect"), Wait);
        Assert.Equal("rate_limited", (string?)disconnect["frame"]!["reason"]);
        Assert.True((bool)disconnect["frame"]!["reconnect"]!);
        var disconnected = await client.WaitForAsync(e => CableDriver.Is(e, "disconnected"), Wait);
        Assert.True((bool)disconnected["willAttemptReconnect"]!);
        // The client's own connection monitor brings it back and resubscribes; the new connection has a full bucket.
        await client.WaitForAsync(e => CableDriver.Is(e, "connected") && (bool)e["reconnected"]!, Wait);
    }

    [Fact]
    public async Task A_client_within_the_rate_keeps_its_connection_past_the_burst_while_a_flooding_client_is_cut_off()
    {
        await using var gateway = await platform.StartGatewayAsync("gw-cable-flood",
            "--Gateway:Cable:MessagesPerSecond=5", "--Gateway:Cable:MessageBurst=20");
        await using var steady = await RawCable.ConnectAsync(gateway.CableUrl(CablePlatform.AdminToken));
        await using var flood = await RawCable.ConnectAsync(gateway.CableUrl(CablePlatform.AdminToken));
        await steady.ReadUntilAsync(m => (string?)m["type"] == "welcome", Wait);
        await flood.ReadUntilAsync(m => (string?)m["type"] == "welcome", Wait);

        for (var i = 0; i < 500 && flood.State == System.Net.WebSockets.WebSocketState.Open; i++)
        {
            try
            {
                await flood.SendAsync(Action(i));
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                break; // The gateway closed the connection while the flood was still being written.
            }
        }

        var disconnect = await flood.ReadUntilAsync(m => (string?)m["type"] == "disconnect", Wait);
        Assert.Equal("rate_limited", (string?)disconnect["reason"]);
        Assert.True((bool)disconnect["reconnect"]!);
        using (var closing = new CancellationTokenSource(Wait))
        {
            Assert.Null(await flood.ReadAsync(closing.Token));
        }

        // 40 commands over 10 s: twice the burst, so only the refill at 5 a second keeps this client connected.
        for (var i = 0; i < 40; i++)
        {
            await steady.SendAsync(Action(i));
            await Task.Delay(250);
        }

        await steady.SubscribeAsync("{\"channel\":\"AgentStatusChannel\"}");
        var reply = await steady.ReadUntilAsync(m => (string?)m["type"] is "confirm_subscription" or "disconnect", Wait);
        Assert.Equal("confirm_subscription", (string?)reply["type"]);
    }

    [Fact]
    public async Task Subscriptions_past_the_per_connection_limit_are_rejected_with_a_reason_and_a_freed_slot_can_be_reused()
    {
        var agent = await platform.RegisterAgentAsync("subs");
        await using var gateway = await platform.StartGatewayAsync("gw-cable-subs", "--Gateway:Cable:MaxSubscriptionsPerConnection=3");
        await using var cable = await RawCable.ConnectAsync(gateway.CableUrl(CablePlatform.AdminToken));
        await cable.ReadUntilAsync(m => (string?)m["type"] == "welcome", Wait);
        string[] identifiers =
        [
            Identifier("AgentStatusChannel", agent.Name), Identifier("AgentStatusChannel", null),
            Identifier("ClusterEventsChannel", agent.Name), Identifier("ClusterViewsChannel", agent.Name),
        ];

        foreach (var identifier in identifiers)
        {
            await cable.SubscribeAsync(identifier);
            var reply = await ReadReplyAsync(cable, identifier);
            var expected = identifier == identifiers[^1] ? "reject_subscription" : "confirm_subscription";
            Assert.Equal(expected, (string?)reply["type"]);
            if (expected == "reject_subscription")
            {
                Assert.Equal("a connection may hold at most 3 subscriptions", (string?)reply["reason"]);
            }
        }

        await cable.SendAsync(new JsonObject { ["command"] = "unsubscribe", ["identifier"] = identifiers[0] }.ToJsonString());
        await cable.SubscribeAsync(identifiers[^1]);
        Assert.Equal("confirm_subscription", (string?)(await ReadReplyAsync(cable, identifiers[^1]))["type"]);
    }

    [Fact]
    public async Task A_message_at_the_size_limit_is_handled_and_one_byte_more_ends_the_connection_with_invalid_request()
    {
        await using var gateway = await platform.StartGatewayAsync("gw-cable-size", "--Gateway:Cable:MaxIncomingMessageBytes=2048");
        await using var cable = await RawCable.ConnectAsync(gateway.CableUrl(CablePlatform.AdminToken));
        await cable.ReadUntilAsync(m => (string?)m["type"] == "welcome", Wait);

        await cable.SendAsync(Padded(2048));
        await cable.SubscribeAsync("{\"channel\":\"AgentStatusChannel\"}");
        Assert.Equal("confirm_subscription", (string?)(await cable.ReadUntilAsync(m => (string?)m["type"] != "snapshot", Wait))["type"]);

        await cable.SendAsync(Padded(2049));
        var disconnect = await cable.ReadUntilAsync(m => (string?)m["type"] == "disconnect", Wait);
        Assert.Equal("invalid_request", (string?)disconnect["reason"]);
        Assert.False((bool)disconnect["reconnect"]!);
        using var closing = new CancellationTokenSource(Wait);
        Assert.Null(await cable.ReadAsync(closing.Token));
    }

    private static bool IsFrame(JsonObject e, string type) => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == type;

    private static string Action(int i) =>
        new JsonObject { ["command"] = "message", ["identifier"] = "{\"channel\":\"AgentStatusChannel\"}", ["data"] = $"{{\"i\":{i}}}" }.ToJsonString();

    private static string Identifier(string channel, string? agent) =>
        agent is null ? new JsonObject { ["channel"] = channel }.ToJsonString() : new JsonObject { ["channel"] = channel, ["agent"] = agent }.ToJsonString();

    /// <summary>A channel action of exactly <paramref name="bytes"/> bytes (ASCII), which the gateway ignores.</summary>
    private static string Padded(int bytes)
    {
        const string Head = "{\"command\":\"message\",\"identifier\":\"{}\",\"data\":\"";
        const string Tail = "\"}";
        return Head + new string('x', bytes - Head.Length - Tail.Length) + Tail;
    }

    private static Task<JsonObject> ReadReplyAsync(RawCable cable, string identifier) =>
        cable.ReadUntilAsync(m => (string?)m["identifier"] == identifier && (string?)m["type"] is "confirm_subscription" or "reject_subscription", Wait);
}
