using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Cable;
using Plural.Gateway.Cable.Channels;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tests.Cable;

/// <summary>
/// <c>ClusterEventsChannel</c> numbered by the agent's event log: two gateways (hubs) over one log deliver the same
/// positions, so a subscriber resumes on either; what the log cannot vouch for arrives as a reset.
/// </summary>
public sealed class ClusterEventsResumeTests : IAsyncDisposable
{
    private const string Events = """{"channel":"ClusterEventsChannel","agent":"prod"}""";
    private const long Start = 1_765_000_000_000_000;
    private static readonly Caller Admin = new(CallerKind.Admin, "admin", [], null);
    private static readonly AgentSnapshot Registered = new(
        new AgentRegistration("prod", new Dictionary<string, string>(), "", DateTimeOffset.UnixEpoch), [], new AgentConnectionStatus(true, null, []));

    private readonly GrainStubs _grains = new();
    private readonly FakeEventLog _log = new(Start);
    private readonly FakeTimeProvider _clock = new();
    private readonly List<CableClient> _clients = [];
    private readonly CableOptions _options = new() { TopicLinger = TimeSpan.FromMinutes(5), ReplayBufferSize = 4 };
    private readonly CableHub _gatewayA;
    private readonly CableHub _gatewayB;

    public ClusterEventsResumeTests()
    {
        _log.Serve(_grains);
        _grains.On<IAgentGrain>(nameof(IAgentGrain.Get), (_, _) => Task.FromResult<AgentSnapshot?>(Registered));
        _gatewayA = NewGateway();
        _gatewayB = NewGateway();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _gatewayA.StopAsync(CancellationToken.None);
        await _gatewayB.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Events_are_numbered_by_their_position_in_the_log_under_the_log_epoch()
    {
        var client = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);

        var first = _log.Append("prod", "one");
        var second = _log.Append("prod", "two");

        var received = await NextAsync(client, Events, 2);
        Assert.Equal([first, second], received.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.All(received, m => Assert.Equal("log", m.GetProperty("epoch").GetString()));
        Assert.Equal(["one", "two"], received.Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_subscriber_that_moves_to_another_gateway_gets_every_missed_event_once_in_order_then_live_ones()
    {
        var onA = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        _log.Append("prod", "e1");
        var seen = _log.Append("prod", "e2");
        await NextAsync(onA, Events, 2);
        await onA.DisposeAsync();
        for (var i = 3; i <= 9; i++)
        {
            _log.Append("prod", $"e{i}");
        }

        var resuming = Resuming(seen);
        var onB = await ConnectedAsync(_gatewayB);
        await onB.SubscribeAsync(resuming);
        await onB.ExpectAsync("confirm_subscription");
        var missed = await NextAsync(onB, resuming, 7);
        _log.Append("prod", "e10");
        var live = await NextAsync(onB, resuming, 1);

        Assert.Equal(Names(3, 10), missed.Concat(live).Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => seen + i), missed.Concat(live).Select(m => m.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task A_subscriber_resuming_on_a_gateway_whose_feed_is_behind_the_log_gets_each_event_once()
    {
        var onA = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        var seen = _log.Append("prod", "e1");
        await NextAsync(onA, Events, 1);
        await onA.DisposeAsync();
        _log.Append("prod", "e2");
        var other = await SubscribedAsync(_gatewayB, Events, expectSnapshotAt: _log.Last); // B's topic starts after e2
        _log.HoldFeeds();
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // long polls that began before the hold end
        _log.Append("prod", "e3");
        _log.Append("prod", "e4");

        // B's feed has not published e3 and e4 yet; the resuming subscriber reads them from the log.
        var resuming = Resuming(seen);
        var onB = await ConnectedAsync(_gatewayB);
        await onB.SubscribeAsync(resuming);
        await onB.ExpectAsync("confirm_subscription");
        var missed = await NextAsync(onB, resuming, 3);
        _log.ReleaseFeeds();
        Assert.Equal(["e3", "e4"], (await NextAsync(other, Events, 2)).Select(m => m.GetProperty("name").GetString()));
        _log.Append("prod", "e5");
        var live = await NextAsync(onB, resuming, 1);

        Assert.Equal(Names(2, 5), missed.Concat(live).Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_subscriber_resuming_from_what_the_log_lost_is_reset_with_the_cause_and_gets_a_snapshot()
    {
        var onA = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        var seen = _log.Append("prod", "e1");
        await NextAsync(onA, Events, 1);
        await onA.DisposeAsync();
        var restart = Start + 1_000_000;
        _log.Restart(restart); // the silo holding the log died: e2.. are gone
        _log.Append("prod", "after-restart");

        var resuming = Resuming(seen);
        var onB = await ConnectedAsync(_gatewayB);
        await onB.SubscribeAsync(resuming);
        await onB.ExpectAsync("confirm_subscription");

        var reset = await onB.ExpectMessageAsync(resuming);
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Contains($"no longer holds what followed {seen}", reset.GetProperty("reason").GetString());
        Assert.Contains("starts anew when the silo holding it stops", reset.GetProperty("reason").GetString());
        var snapshot = await onB.ExpectMessageAsync(resuming);
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(restart + 1, snapshot.GetProperty("seq").GetInt64());
        Assert.Equal("log", snapshot.GetProperty("epoch").GetString());
        var next = _log.Append("prod", "live");
        Assert.Equal(next, (await onB.ExpectMessageAsync(resuming)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_subscriber_resuming_with_a_gateways_own_epoch_is_reset_and_told_the_channel_is_numbered_by_the_log()
    {
        var seen = _log.Append("prod", "e1");
        const string stale = """{"channel":"ClusterEventsChannel","agent":"prod","since":3,"epoch":"9f2c01d4a7be"}""";
        var client = await ConnectedAsync(_gatewayA);

        await client.SubscribeAsync(stale);

        await client.ExpectAsync("confirm_subscription");
        var reset = await client.ExpectMessageAsync(stale);
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.StartsWith("epoch is not \"log\"", reset.GetProperty("reason").GetString());
        Assert.Equal(seen, (await client.ExpectMessageAsync(stale)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_live_subscriber_is_reset_when_the_log_starts_anew_and_goes_on_from_its_new_positions()
    {
        var client = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        _log.Append("prod", "e1");
        await NextAsync(client, Events, 1);

        var restart = Start + 1_000_000;
        _log.Restart(restart);
        var reset = await client.ExpectMessageAsync(Events);
        var snapshot = await client.ExpectMessageAsync(Events);
        var next = _log.Append("prod", "e2");
        var live = await client.ExpectMessageAsync(Events);

        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal(restart, reset.GetProperty("seq").GetInt64());
        Assert.Contains("starts anew when the silo holding it stops", reset.GetProperty("reason").GetString());
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(restart, snapshot.GetProperty("seq").GetInt64());
        Assert.Equal(next, live.GetProperty("seq").GetInt64());
        Assert.Equal("e2", live.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_gap_while_the_snapshot_is_read_is_followed_by_a_reset_and_a_new_snapshot_never_by_a_hole()
    {
        var restart = Start + 1_000_000;
        var restarted = 0;
        _grains.On<IAgentGrain>(nameof(IAgentGrain.Get), (_, _) => ReadAgentAsync());
        var client = await ConnectedAsync(_gatewayA);

        await client.SubscribeAsync(Events);

        await client.ExpectAsync("confirm_subscription");
        Assert.Equal(Start, (await client.ExpectMessageAsync(Events)).GetProperty("seq").GetInt64());
        var reset = await client.ExpectMessageAsync(Events);
        Assert.Equal("reset", reset.GetProperty("type").GetString());
        Assert.Equal(restart, reset.GetProperty("seq").GetInt64());
        var snapshot = await client.ExpectMessageAsync(Events);
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(restart, snapshot.GetProperty("seq").GetInt64());
        var next = _log.Append("prod", "e1");
        Assert.Equal(next, (await client.ExpectMessageAsync(Events)).GetProperty("seq").GetInt64());

        // The first snapshot read outlives the log: it starts anew, and the gateway's feed notices, meanwhile.
        async Task<AgentSnapshot?> ReadAgentAsync()
        {
            if (Interlocked.Increment(ref restarted) == 1)
            {
                _log.Restart(restart);
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }

            return Registered;
        }
    }

    [Fact]
    public async Task A_failing_log_read_is_retried_from_the_same_position_and_nothing_is_lost()
    {
        var client = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        _log.FailNextReads(2);
        await Eventually.HoldsAsync(() => _log.FailedReadsAfter.Count == 2, TimeSpan.FromSeconds(10), "two reads failing");
        _log.Append("prod", "e1");
        _log.Append("prod", "e2");

        var received = await NextAsync(client, Events, 2);

        Assert.Equal(["e1", "e2"], received.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([Start, Start], _log.FailedReadsAfter);
    }

    [Fact]
    public async Task The_log_is_no_longer_read_once_the_topic_lapsed_after_its_last_subscriber()
    {
        _options.TopicLinger = TimeSpan.Zero;
        var client = await SubscribedAsync(_gatewayA, Events, expectSnapshotAt: Start);
        var polling = _log.ReadsAfter.Count;
        await Eventually.HoldsAsync(() => _log.ReadsAfter.Count > polling + 2, TimeSpan.FromSeconds(10), "the feed polling the log");

        await client.CommandAsync("unsubscribe", Events);
        await Eventually.HoldsAsync(() => _gatewayA.TopicCount == 0, TimeSpan.FromSeconds(10), "the topic lapsing");
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // a read that started as the topic lapsed
        var stopped = _log.ReadsAfter.Count;
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // five of the fake's longest long polls

        Assert.Equal(stopped, _log.ReadsAfter.Count);
    }

    private static string Resuming(long since) => $$"""{"channel":"ClusterEventsChannel","agent":"prod","since":{{since}},"epoch":"log"}""";

    private static IEnumerable<string> Names(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"e{i}");

    private CableHub NewGateway() => new([new ClusterEventsChannel(_grains.Factory, TimeProvider.System, NullLogger<ClusterEventsChannel>.Instance)],
        Options.Create(_options), NullLogger<CableHub>.Instance);

    private async Task<CableClient> ConnectedAsync(CableHub gateway)
    {
        var client = CableClient.Connect(gateway, _options, Admin, _clock);
        _clients.Add(client);
        await client.ExpectAsync("welcome");
        return client;
    }

    private async Task<CableClient> SubscribedAsync(CableHub gateway, string identifier, long expectSnapshotAt)
    {
        var client = await ConnectedAsync(gateway);
        await client.SubscribeAsync(identifier);
        await client.ExpectAsync("confirm_subscription");
        var snapshot = await client.ExpectMessageAsync(identifier);
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(expectSnapshotAt, snapshot.GetProperty("seq").GetInt64());
        return client;
    }

    private static async Task<List<JsonElement>> NextAsync(CableClient client, string identifier, int count)
    {
        List<JsonElement> messages = [];
        while (messages.Count < count)
        {
            var message = await client.ExpectMessageAsync(identifier);
            Assert.Equal("cluster_event", message.GetProperty("type").GetString());
            messages.Add(message);
        }

        return messages;
    }
}
