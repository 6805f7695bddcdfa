using Microsoft.AspNetCore.Http;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class TunnelPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Pool_holds_the_minimum_of_idle_tunnels_after_connecting()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s => s["Agent:Tunnels:MinIdle"] = "3");

        await Eventually.HoldsAsync(() => gateway.OpenSlots == 3, Timeout, "three open slots");
        await Task.Delay(300);
        Assert.Equal(3, gateway.OpenSlots);
        var status = agent.Status.Snapshot();
        Assert.Equal((3, 0, 3), (status.IdleTunnels, status.ActiveTunnels, status.TotalTunnels));
        Assert.All(gateway.SlotConnectionIds, id => Assert.Equal(gateway.Sessions.Single().ConnectionId, id));
    }

    [Fact(Timeout = 60_000)]
    public async Task Burst_of_concurrent_requests_grows_the_pool_then_it_shrinks_back_to_the_minimum()
    {
        const int Requests = 200;
        var inFlight = 0;
        var peakInFlight = 0;
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peakInFlight, now);
            await Task.Delay(300);
            Interlocked.Decrement(ref inFlight);
            await context.Response.WriteAsync("ok");
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s =>
        {
            s["Agent:Tunnels:MaxIdleTime"] = "00:00:01";
            s["Agent:Tunnels:QuietMinIdle"] = "2";
        });
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the minimum idle slots");

        var responses = await Task.WhenAll(Enumerable.Range(0, Requests)
            .Select(i => gateway.ForwardAsync(TunnelForwardingTests.Get($"/burst/{i}"), timeout: TimeSpan.FromSeconds(30))));

        Assert.All(responses, r => Assert.Equal("ok", r.BodyText));
        Assert.True(peakInFlight > 50, $"only {peakInFlight} requests were in flight at once; the pool did not grow");
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2 && agent.Status.Snapshot() is { IdleTunnels: 2, ActiveTunnels: 0, TotalTunnels: 2 },
            TimeSpan.FromSeconds(20), "the pool back at the minimum idle");
        await Task.Delay(1500);
        Assert.Equal(2, gateway.OpenSlots);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_quiet_pool_keeps_one_idle_tunnel_for_a_gateway_that_does_not_ask_for_tunnels_and_the_next_request_refills_it()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s => s["Agent:Tunnels:MaxIdleTime"] = "00:00:01");
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the minimum idle slots after connecting");

        await Eventually.HoldsAsync(() => gateway.OpenSlots == 1, Timeout, "one idle slot once no request came for a second");
        await Task.Delay(2500);
        Assert.Equal(1, gateway.OpenSlots);

        Assert.Equal("ok", (await gateway.ForwardAsync(TunnelForwardingTests.Get("/after-quiet"))).BodyText);
        await Eventually.HoldsAsync(() => agent.Status.Snapshot().IdleTunnels >= 2, Timeout, "the pool refilled to the minimum");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_quiet_pool_lets_every_tunnel_go_for_a_gateway_that_asks_and_opens_the_minimum_when_asked()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        gateway.AsksForTunnels = true;
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s => s["Agent:Tunnels:MaxIdleTime"] = "00:00:01");
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the minimum idle slots after connecting");
        Assert.Contains(TunnelsWanted.OnDemandCapability, gateway.Sessions.Single().Hello.Capabilities);

        await Eventually.HoldsAsync(() => gateway.OpenSlots == 0, Timeout, "no idle slot once no request came for a second");
        await Task.Delay(2500);
        Assert.Equal(0, gateway.OpenSlots);
        Assert.Equal((0, 0), (agent.Status.Snapshot().IdleTunnels, agent.Status.Snapshot().ActiveTunnels));

        await gateway.Sessions.Single().SendTunnelsWantedAsync(1);
        Assert.Equal("ok", (await gateway.ForwardAsync(TunnelForwardingTests.Get("/after-quiet"))).BodyText);
        await Eventually.HoldsAsync(() => gateway.OpenSlots >= 2, Timeout, "the pool back at the minimum idle");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_request_for_tunnels_opens_at_most_one_step_beyond_the_minimum_and_ignores_a_count_below_one()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.AsksForTunnels = true;
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s =>
        {
            s["Agent:Tunnels:MaxTotal"] = "4";
            s["Agent:Tunnels:ScaleUpStep"] = "3";
        });
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the minimum idle slots after connecting");

        await gateway.Sessions.Single().SendTunnelsWantedAsync(1000);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 3, Timeout, "one step of streams");
        await gateway.Sessions.Single().SendTunnelsWantedAsync(-5);
        await Task.Delay(500);

        Assert.Equal(3, gateway.OpenSlots);
    }

    [Fact(Timeout = 30_000)]
    public async Task Pool_never_exceeds_the_maximum_total()
    {
        var probe = new UpstreamProbe();
        await using var upstream = await FakeUpstream.StartAsync(probe.HoldUntilReleased("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s =>
        {
            s["Agent:Tunnels:MaxTotal"] = "5";
            s["Agent:Tunnels:ScaleUpStep"] = "10";
        });

        var requests = Enumerable.Range(0, 8)
            .Select(i => gateway.ForwardAsync(TunnelForwardingTests.Get($"/held/{i}"), timeout: TimeSpan.FromSeconds(20)))
            .ToList();
        await Eventually.HoldsAsync(() => agent.Status.Snapshot().ActiveTunnels == 5, Timeout, "five active tunnels");
        await Task.Delay(300);
        Assert.Equal(5, agent.Status.Snapshot().TotalTunnels);
        Assert.True(gateway.OpenSlots <= 5);

        probe.Release();
        var responses = await Task.WhenAll(requests);
        Assert.All(responses, r => Assert.Equal("ok", r.BodyText));
    }

    [Fact(Timeout = 30_000)]
    public async Task Failed_tunnel_opens_back_off_instead_of_spinning()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.RefuseTunnelsWith = Grpc.Core.StatusCode.ResourceExhausted;
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s =>
        {
            s["Agent:Reconnect:InitialBackoff"] = "00:00:00.100";
            s["Agent:Reconnect:Factor"] = "2";
        });
        await Eventually.HoldsAsync(() => gateway.ConnectAttempts > 0, Timeout, "a first tunnel attempt");

        await Task.Delay(1500);

        // Two workers, each about 6 attempts in 1.5 s with 100, 200, 400, 400... ms between them.
        Assert.InRange(gateway.ConnectAttempts, 4, 20);
        var warnings = agent.Logs.Entries.Where(e => e.EventId == 302).Select(e => e.Message).ToList();
        Assert.True(warnings.Count == 1, string.Join('\n', warnings));

        gateway.RefuseTunnelsWith = null;
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the pool opened once the gateway accepts");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_closing_idle_tunnel_leaves_ending_the_stream_to_the_gateway_and_drops_a_request_that_crossed()
    {
        var served = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            served.Enqueue(context.Request.Path);
            await context.Response.WriteAsync("ok");
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s =>
        {
            s["Agent:Tunnels:MinIdle"] = "1";
            s["Agent:Tunnels:ScaleUpStep"] = "3";
            s["Agent:Tunnels:MaxIdleTime"] = "00:00:01";
        });
        // One request scales the pool up; the extra streams are idle beyond the minimum and close after a second.
        Assert.Equal("ok", (await gateway.ForwardAsync(TunnelForwardingTests.Get("/first"))).BodyText);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 4, Timeout, "four idle slots");
        var slots = new List<FakeTunnelSlot>();
        for (var i = 0; i < 4; i++)
        {
            slots.Add(await gateway.TakeSlotAsync());
        }

        var reads = slots.Select(slot => (Slot: slot, Read: slot.ReceiveAsync())).ToList();
        var first = await Task.WhenAny(reads.Select(r => r.Read)).WaitAsync(Timeout);
        var (closing, read) = reads.Single(r => r.Read == first);
        var ended = await read;
        await Task.Delay(500);
        var stillOpen = !closing.Aborted.IsCancellationRequested;
        // A request handed over as the agent closed the stream: the agent must not serve it.
        await closing.SendRequestAsync(TunnelForwardingTests.Get("/crossed"));
        await Task.Delay(500);
        closing.Finish();

        Assert.Null(ended);
        Assert.True(stillOpen, "the agent reset the stream instead of letting the gateway end it");
        Assert.Equal(["/first"], served);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
