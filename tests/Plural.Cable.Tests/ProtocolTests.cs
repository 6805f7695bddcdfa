using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Agents;
using Plural.Grains.Streams;

namespace Plural.Cable.Tests;

/// <summary>What the endpoint answers to input the stock client never sends.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class ProtocolTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Plain_http_request_gets_426_naming_the_protocol()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(platform.GatewayA.HttpUrl, "/cable"));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("actioncable-v1-json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WebSocket_without_the_actioncable_subprotocol_is_refused_with_400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Cable_is_not_served_on_the_api_listener()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync(new Uri(platform.GatewayA.ApiUrl, "/cable"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Client_gets_welcome_then_a_ping_with_the_unix_time_every_three_seconds()
    {
        await using var cable = await RawCable.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var welcome = await cable.ReadFrameAsync(cts.Token);
        var clock = Stopwatch.StartNew();
        List<(TimeSpan Arrived, long Message, long Now)> pings = [];
        while (pings.Count < 3)
        {
            // A connection without subscriptions gets nothing but pings after the welcome.
            var ping = await cable.ReadFrameAsync(cts.Token) ?? throw new InvalidOperationException("the server closed the connection");
            Assert.Equal("ping", (string?)ping["type"]);
            pings.Add((clock.Elapsed, (long)ping["message"]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        }

        Assert.Equal("welcome", (string?)welcome!["type"]);
        // Generous bounds around the default interval of 3 s: the machine running the test is busy.
        var spacings = pings.Select(p => p.Arrived).Prepend(TimeSpan.Zero).Zip(pings.Select(p => p.Arrived), (a, b) => b - a).ToList();
        Assert.All(spacings, s => Assert.InRange(s.TotalSeconds, 1, 6));
        Assert.All(pings, p => Assert.InRange(p.Message, p.Now - 5, p.Now + 1));
        Assert.All(pings.Zip(pings.Skip(1)), p => Assert.InRange(p.Second.Message - p.First.Message, 1, 6));
    }

    [Fact]
    public async Task Invalid_json_ends_the_connection_with_disconnect_invalid_request()
    {
        await using var cable = await RawCable.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await cable.ReadUntilAsync(m => (string?)m["type"] == "welcome", Wait);

        await cable.SendAsync("{not json");

        var disconnect = await cable.ReadUntilAsync(m => (string?)m["type"] == "disconnect", Wait);
        Assert.Equal("invalid_request", (string?)disconnect["reason"]);
        Assert.False((bool)disconnect["reconnect"]!);
        using var cts = new CancellationTokenSource(Wait);
        Assert.Null(await cable.ReadAsync(cts.Token));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"agent":"a"}""", "no \"channel\"")]
    [InlineData("""{"channel":"AgentStatusChannel","agent":"Not_A_Name"}""", "RFC 1123")]
    [InlineData("""{"channel":"AgentStatusChannel","since":-1}""", "non-negative integer")]
    [InlineData("""{"channel":"NoSuchChannel"}""", "unknown channel NoSuchChannel")]
    public async Task Bad_identifier_is_rejected_with_a_reason_and_the_connection_stays_usable(string identifier, string reason)
    {
        await using var cable = await RawCable.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));

        await cable.SubscribeAsync(identifier);
        var rejection = await cable.ReadUntilAsync(m => (string?)m["type"] == "reject_subscription", Wait);
        await cable.SubscribeAsync("""{"channel":"AgentStatusChannel"}""");
        var confirmation = await cable.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);

        Assert.Equal(identifier, (string?)rejection["identifier"]);
        Assert.Contains(reason, (string?)rejection["reason"]);
        Assert.Equal("""{"channel":"AgentStatusChannel"}""", (string?)confirmation["identifier"]);
    }

    [Fact]
    public async Task Since_from_another_epoch_gets_a_reset_hint_then_a_fresh_snapshot()
    {
        var agent = await platform.RegisterAgentAsync("reset");
        await using var cable = await RawCable.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        var identifier = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name, ["since"] = 41, ["epoch"] = "elsewhere" }.ToJsonString();

        await cable.SubscribeAsync(identifier);

        await cable.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
        var reset = (await cable.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        var snapshot = (await cable.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        Assert.Equal("reset", (string?)reset["type"]);
        Assert.Contains("epoch", (string?)reset["reason"]);
        Assert.Equal("snapshot", (string?)snapshot["type"]);
        Assert.Equal((string?)reset["epoch"], (string?)snapshot["epoch"]);
    }

    [Fact]
    public async Task Since_older_than_the_replay_buffer_gets_a_reset_hint_then_a_fresh_snapshot()
    {
        var agent = await platform.RegisterAgentAsync("buffer");
        await using var gateway = await platform.StartGatewayAsync("gw-cable-replay", "--Gateway:Cable:ReplayBufferSize=5");
        var url = gateway.CableUrl(CablePlatform.AdminToken);
        // A subscriber that stays, so the topic and its numbering live on while the others come and go.
        await using var watcher = await RawCable.ConnectAsync(url);
        await watcher.SubscribeAsync(new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name }.ToJsonString());
        var epoch = (string?)(await watcher.ReadUntilAsync(m => (string?)m["message"]?["type"] == "snapshot", Wait))["message"]!["epoch"];
        for (var i = 0; i < 10; i++)
        {
            await platform.Cluster.PublishAsync(StreamNames.AgentStatus, agent.Name,
                new AgentStatusChanged(agent.Name, i % 2 == 0, "gw-replay-test", "pod", DateTimeOffset.UtcNow));
        }

        await watcher.ReadUntilAsync(m => (long?)m["message"]?["seq"] == 10, Wait);

        // Messages 6 to 10 are in the buffer: since 7 replays 8 to 10, without a snapshot.
        await using var recent = await RawCable.ConnectAsync(url);
        await recent.SubscribeAsync(Resuming(agent.Name, 7, epoch));
        await recent.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
        var replayed = new List<JsonNode>();
        while (replayed.Count < 3)
        {
            replayed.Add((await recent.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!);
        }

        // Message 3 is not: since 2 in the right epoch gets a reset and a snapshot.
        await using var stale = await RawCable.ConnectAsync(url);
        await stale.SubscribeAsync(Resuming(agent.Name, 2, epoch));
        await stale.ReadUntilAsync(m => (string?)m["type"] == "confirm_subscription", Wait);
        var reset = (await stale.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;
        var snapshot = (await stale.ReadUntilAsync(m => m["message"] is not null, Wait))["message"]!;

        Assert.Equal([8L, 9L, 10L], replayed.Select(m => (long)m["seq"]!));
        Assert.All(replayed, m => Assert.Equal("agent_status", (string?)m["type"]));
        Assert.Equal("reset", (string?)reset["type"]);
        Assert.Equal("since is older than the replay buffer", (string?)reset["reason"]);
        Assert.Equal(10, (long)reset["seq"]!);
        Assert.Equal(epoch, (string?)reset["epoch"]);
        Assert.Equal("snapshot", (string?)snapshot["type"]);
        Assert.Equal(10, (long)snapshot["seq"]!);
        Assert.Equal(epoch, (string?)snapshot["epoch"]);
        Assert.Equal(agent.Name, (string?)snapshot["agents"]![0]!["agent"]);
    }

    private static string Resuming(string agent, long since, string? epoch) =>
        new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent, ["since"] = since, ["epoch"] = epoch }.ToJsonString();

    [Fact]
    public async Task Cookie_credential_from_a_foreign_origin_is_refused_but_works_from_the_gateways_own_pages()
    {
        var url = new Uri($"ws://{platform.GatewayA.HttpUrl.Authority}/cable");
        void WithCookie(ClientWebSocketOptions o, string origin)
        {
            o.SetRequestHeader("Cookie", "plural_token=" + CablePlatform.AdminToken);
            o.SetRequestHeader("Origin", origin);
            o.CollectHttpResponseDetails = true;
        }

        var foreign = Assert.ThrowsAsync<WebSocketException>(() => RawCable.ConnectAsync(url, o => WithCookie(o, "https://evil.example")));
        await using var own = await RawCable.ConnectAsync(url, o => WithCookie(o, platform.GatewayA.HttpUrl.GetLeftPart(UriPartial.Authority)));

        await foreign;
        var welcome = await own.ReadUntilAsync(_ => true, Wait);
        Assert.Equal("welcome", (string?)welcome["type"]);
    }
}
