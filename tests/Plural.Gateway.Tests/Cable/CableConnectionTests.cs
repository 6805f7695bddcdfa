using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Cable;

namespace Plural.Gateway.Tests.Cable;

/// <summary>The ActionCable protocol of one connection: welcome, subscribe and its answers, messages, resume, limits.</summary>
public sealed class CableConnectionTests : IAsyncDisposable
{
    private const string Fleet = """{"channel":"FleetChannel"}""";
    private const string Prod = """{"channel":"AgentChannel","agent":"prod"}""";
    private static readonly Caller Admin = new(CallerKind.Admin, "admin", [], null);

    private readonly ScriptedChannel _fleet = new("FleetChannel", requiresAgent: false);
    private readonly ScriptedChannel _agents = new("AgentChannel", requiresAgent: true);
    private readonly FakeTimeProvider _clock = new();
    private readonly List<CableClient> _clients = [];
    private readonly CableOptions _options = new()
    {
        TopicLinger = TimeSpan.FromMinutes(5),
        CloseTimeout = TimeSpan.FromSeconds(5),
        MaxSubscriptionsPerConnection = 3,
        MaxIncomingMessageBytes = 1024,
        ReplayBufferSize = 4,
    };

    private CableHub? _hub;

    private CableHub Hub => _hub ??= new CableHub([_fleet, _agents], Options.Create(_options), NullLogger<CableHub>.Instance);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_first_message_is_welcome()
    {
        var client = Connect();

        await client.ExpectAsync("welcome");
    }

    [Fact]
    public async Task A_subscription_is_confirmed_and_then_gets_the_current_state()
    {
        var client = await ConnectedAsync();

        await client.SubscribeAsync(Prod);

        var confirm = await client.ExpectAsync("confirm_subscription");
        Assert.Equal(Prod, confirm.GetProperty("identifier").GetString());
        var snapshot = await client.ExpectMessageAsync(Prod);
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_published_after_subscribing_arrive_in_order_with_the_identifier()
    {
        var client = await SubscribedAsync(Prod);

        _agents.Publish("prod", "prod");
        _agents.Publish("prod", "prod");

        Assert.Equal(1, (await client.ExpectMessageAsync(Prod)).GetProperty("seq").GetInt64());
        Assert.Equal(2, (await client.ExpectMessageAsync(Prod)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task After_unsubscribe_no_more_messages_arrive()
    {
        var client = await SubscribedAsync(Prod);

        await client.CommandAsync("unsubscribe", Prod);
        await client.SubscribeAsync(Fleet); // handled after the unsubscribe: its confirmation orders the two
        await client.ExpectAsync("confirm_subscription");
        await client.ExpectMessageAsync(Fleet);
        _agents.Publish("prod", "prod");
        _fleet.Publish("fleet", "prod");

        Assert.Equal(1, (await client.ExpectMessageAsync(Fleet)).GetProperty("seq").GetInt64());
        Assert.Equal(0, _agents.Topics["prod"].SubscriberCount);
    }

    [Fact]
    public async Task A_repeated_subscribe_is_not_confirmed_twice()
    {
        var client = await SubscribedAsync(Prod);

        await client.SubscribeAsync(Prod);
        await client.SubscribeAsync(Fleet); // commands are handled in order: the next confirmation must be this one

        var confirm = await client.ExpectAsync("confirm_subscription");
        Assert.Equal(Fleet, confirm.GetProperty("identifier").GetString());
    }

    [Theory]
    [InlineData("""{"channel":"NoSuchChannel"}""", "unknown channel NoSuchChannel; channels: AgentChannel, FleetChannel")]
    [InlineData("""{"channel":"AgentChannel"}""", "AgentChannel needs \"agent\"")]
    [InlineData("""{"channel":""", "identifier is not valid JSON")]
    [InlineData("""{"channel":"AgentChannel","agent":"Not_A_Name"}""", "\"agent\" must be an agent name (RFC 1123 label)")]
    public async Task A_bad_subscription_is_rejected_with_a_reason_and_the_connection_stays(string identifier, string reason)
    {
        var client = await ConnectedAsync();

        await client.SubscribeAsync(identifier);

        var reject = await client.ExpectAsync("reject_subscription");
        Assert.Equal(identifier, reject.GetProperty("identifier").GetString());
        Assert.Equal(reason, reject.GetProperty("reason").GetString());
        await client.SubscribeAsync(Prod);
        await client.ExpectAsync("confirm_subscription");
    }

    [Fact]
    public async Task A_caller_is_refused_agents_it_may_not_see()
    {
        var client = await ConnectedAsync(new Caller(CallerKind.UserToken, "alice", [], new HashSet<string> { "staging" }));

        await client.SubscribeAsync(Prod);

        var reject = await client.ExpectAsync("reject_subscription");
        Assert.Equal("forbidden: alice may not see agent prod", reject.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_caller_subscribed_to_every_agent_gets_messages_only_about_the_agents_it_may_see()
    {
        var client = await SubscribedAsync(Fleet, new Caller(CallerKind.UserToken, "alice", [], new HashSet<string> { "staging" }));

        _fleet.Publish("fleet", "prod");
        _fleet.Publish("fleet", "staging");

        var message = await client.ExpectMessageAsync(Fleet);
        Assert.Equal("staging", message.GetProperty("agent").GetString());
        Assert.Equal(2, message.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_refused_snapshot_rejects_the_subscription_with_the_channels_reason()
    {
        _agents.Refusal = "agent prod does not exist";
        var client = await ConnectedAsync();

        await client.SubscribeAsync(Prod);

        Assert.Equal("agent prod does not exist", (await client.ExpectAsync("reject_subscription")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_connection_holds_at_most_the_configured_number_of_subscriptions()
    {
        var client = await ConnectedAsync();
        foreach (var agent in new[] { "a", "b", "c" })
        {
            var identifier = $$"""{"channel":"AgentChannel","agent":"{{agent}}"}""";
            await client.SubscribeAsync(identifier);
            await client.ExpectAsync("confirm_subscription");
            await client.ExpectMessageAsync(identifier);
        }

        await client.SubscribeAsync(Fleet);

        Assert.Equal("a connection may hold at most 3 subscriptions", (await client.ExpectAsync("reject_subscription")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_resuming_subscriber_gets_what_it_missed_instead_of_a_snapshot()
    {
        await SubscribedAsync(Prod); // keeps the topic and its replay buffer alive
        var topic = _agents.Topics["prod"];
        _agents.Publish("prod", "prod");
        _agents.Publish("prod", "prod");
        _agents.Publish("prod", "prod");
        var resuming = $$"""{"channel":"AgentChannel","agent":"prod","since":1,"epoch":"{{topic.Epoch}}"}""";
        var client = await ConnectedAsync();

        await client.SubscribeAsync(resuming);

        await client.ExpectAsync("confirm_subscription");
        Assert.Equal(2, (await client.ExpectMessageAsync(resuming)).GetProperty("seq").GetInt64());
        Assert.Equal(3, (await client.ExpectMessageAsync(resuming)).GetProperty("seq").GetInt64());
        _agents.Publish("prod", "prod");
        Assert.Equal(4, (await client.ExpectMessageAsync(resuming)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_subscriber_resuming_from_another_epoch_is_told_to_reset_and_gets_a_snapshot()
    {
        await SubscribedAsync(Prod);
        var topic = _agents.Topics["prod"];
        _agents.Publish("prod", "prod");
        const string stale = """{"channel":"AgentChannel","agent":"prod","since":1,"epoch":"another-gateway"}""";
        var client = await ConnectedAsync();

        await client.SubscribeAsync(stale);

        await client.ExpectAsync("confirm_subscription");
        var reset = await client.ExpectMessageAsync(stale);
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal(topic.Epoch, reset.GetProperty("epoch").GetString());
        Assert.Equal(1, reset.GetProperty("seq").GetInt64());
        Assert.StartsWith("epoch is not", reset.GetProperty("reason").GetString());
        Assert.Equal("snapshot", (await client.ExpectMessageAsync(stale)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_subscriber_resuming_from_before_the_replay_buffer_is_told_to_reset()
    {
        await SubscribedAsync(Prod);
        var topic = _agents.Topics["prod"];
        for (var i = 0; i < _options.ReplayBufferSize + 2; i++)
        {
            _agents.Publish("prod", "prod");
        }

        var resuming = $$"""{"channel":"AgentChannel","agent":"prod","since":1,"epoch":"{{topic.Epoch}}"}""";
        var client = await ConnectedAsync();

        await client.SubscribeAsync(resuming);

        await client.ExpectAsync("confirm_subscription");
        var reset = await client.ExpectMessageAsync(resuming);
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal("since is older than the replay buffer", reset.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Other_commands_are_ignored_and_the_connection_goes_on()
    {
        var client = await ConnectedAsync();

        await client.SendAsync("""{"command":"message","identifier":"{}","data":"{\"action\":\"speak\"}"}""");
        await client.SubscribeAsync(Prod);

        await client.ExpectAsync("confirm_subscription");
    }

    [Fact]
    public async Task A_message_that_is_not_json_ends_the_connection_with_invalid_request_and_no_reconnect()
    {
        var client = await ConnectedAsync();

        await client.SendAsync("this is not json");

        await ExpectDisconnectAsync(client, "invalid_request", reconnect: false);
    }

    [Fact]
    public async Task A_binary_message_ends_the_connection_with_invalid_request()
    {
        var client = await ConnectedAsync();

        await client.SendBinaryAsync([1, 2, 3]);

        await ExpectDisconnectAsync(client, "invalid_request", reconnect: false);
    }

    [Fact]
    public async Task A_message_larger_than_the_limit_ends_the_connection()
    {
        var client = await ConnectedAsync();

        await client.SendAsync(JsonSerializer.Serialize(new { command = "subscribe", identifier = new string('x', 2000) }));

        await ExpectDisconnectAsync(client, "invalid_request", reconnect: false);
        await client.Run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_client_over_its_command_rate_is_disconnected_and_may_reconnect()
    {
        _options.MessageBurst = 2;
        _options.MessagesPerSecond = 1;
        var client = await ConnectedAsync();

        await client.SubscribeAsync(Prod);
        await client.CommandAsync("unsubscribe", Prod);
        await client.SubscribeAsync(Fleet);

        await client.ExpectAsync("confirm_subscription");
        await client.ExpectMessageAsync(Prod);
        await ExpectDisconnectAsync(client, "rate_limited", reconnect: true);
    }

    [Fact]
    public async Task A_ping_goes_out_every_ping_interval()
    {
        // A command answered proves the ping timer is running: the receive loop starts after it.
        var client = await SubscribedAsync(Prod);

        _clock.Advance(_options.PingInterval);

        var ping = await client.ExpectAsync("ping");
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), ping.GetProperty("message").GetInt64());
    }

    [Fact]
    public async Task A_slow_consumer_is_disconnected_with_its_backlog_dropped()
    {
        _options.SendQueueLimit = 16;
        var client = await SubscribedAsync(Prod);

        // Nothing is read meanwhile, but the send loop may still drain a few into the pipe; far past the limit is enough.
        for (var i = 0; i < 10_000 && !client.Run.IsCompleted; i++)
        {
            _agents.Publish("prod", "prod");
        }

        JsonElement? message;
        while ((message = await client.ReceiveAsync()) is { } m && !m.TryGetProperty("type", out _))
        {
        }

        Assert.NotNull(message);
        Assert.Equal("disconnect", message.Value.GetProperty("type").GetString());
        Assert.Equal("slow_consumer", message.Value.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Stopping_the_hub_tells_every_client_to_reconnect()
    {
        var first = await ConnectedAsync();
        var second = await ConnectedAsync();

        await Hub.StopAsync(CancellationToken.None);

        await ExpectDisconnectAsync(first, "server_restart", reconnect: true);
        await ExpectDisconnectAsync(second, "server_restart", reconnect: true);
    }

    [Fact]
    public async Task A_hand_over_tells_every_client_to_reconnect_and_ends_their_connections()
    {
        var first = await SubscribedAsync(Prod);
        var second = await ConnectedAsync();

        var told = await Hub.HandOverAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.Equal(2, told);
        await ExpectDisconnectAsync(first, "server_restart", reconnect: true);
        await ExpectDisconnectAsync(second, "server_restart", reconnect: true);
        // Clients answer the server's close as browsers do; then nothing of theirs is left on the gateway.
        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.Equal(0, Hub.ConnectionCount);
    }

    [Fact]
    public async Task A_client_that_connects_during_a_hand_over_is_welcomed_and_told_to_reconnect_at_once()
    {
        await Hub.HandOverAsync(TimeSpan.Zero, CancellationToken.None);

        var late = Connect();

        await late.ExpectAsync("welcome");
        await ExpectDisconnectAsync(late, "server_restart", reconnect: true);
    }

    private CableClient Connect(Caller? caller = null)
    {
        var client = CableClient.Connect(Hub, _options, caller ?? Admin, _clock);
        _clients.Add(client);
        return client;
    }

    private async Task<CableClient> ConnectedAsync(Caller? caller = null)
    {
        var client = Connect(caller);
        await client.ExpectAsync("welcome");
        return client;
    }

    private async Task<CableClient> SubscribedAsync(string identifier, Caller? caller = null)
    {
        var client = await ConnectedAsync(caller);
        await client.SubscribeAsync(identifier);
        await client.ExpectAsync("confirm_subscription");
        Assert.Equal("snapshot", (await client.ExpectMessageAsync(identifier)).GetProperty("type").GetString());
        return client;
    }

    private static async Task ExpectDisconnectAsync(CableClient client, string reason, bool reconnect)
    {
        var disconnect = await client.ExpectAsync("disconnect");
        Assert.Equal(reason, disconnect.GetProperty("reason").GetString());
        Assert.Equal(reconnect, disconnect.GetProperty("reconnect").GetBoolean());
        Assert.Null(await client.ReceiveAsync());
    }
}
