using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Plural.AgentK.Tests.Infrastructure;
using Plural.AgentK.Tests.Tunnels;

namespace Plural.AgentK.Tests.Connection;

public sealed class GatewayConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory(Timeout = 30_000)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task Refused_agent_backs_off_logs_once_and_connects_when_accepted(StatusCode refusal)
    {
        await using var gateway = await FakeGateway.StartAsync();
        if (refusal == StatusCode.Unauthenticated)
        {
            gateway.AcceptedToken = "another-token";
        }
        else
        {
            gateway.RefuseWith = refusal;
        }

        // 100, 200, 400, 400, ... ms: about 6 attempts in 1.5 s; without backoff there would be hundreds.
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s =>
        {
            s["Agent:Reconnect:InitialBackoff"] = "00:00:00.100";
            s["Agent:Reconnect:Factor"] = "2";
        });
        await Eventually.HoldsAsync(() => !gateway.SessionAttempts.IsEmpty, Timeout, "a first attempt");
        await Task.Delay(1500);

        var attempts = gateway.SessionAttempts.Count;
        Assert.InRange(attempts, 3, 12);
        Assert.False(agent.Status.IsConnected);
        var errors = agent.Logs.Entries.Where(e => e.EventId == 100).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 1, string.Join('\n', errors));
        Assert.Contains(refusal.ToString(), errors[0]);
        Assert.DoesNotContain(FakeGateway.ValidToken, string.Join('\n', agent.Logs.Entries.Select(e => e.Message)));

        // An operator fixes the token (or the limit lifts): the agent keeps retrying and gets in.
        gateway.AcceptedToken = FakeGateway.ValidToken;
        gateway.RefuseWith = null;
        await Eventually.HoldsAsync(() => agent.Status.IsConnected, Timeout, "connected after the fix");
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_reconnects_after_the_gateway_restarts()
    {
        var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway);
        await Eventually.HoldsAsync(() => agent.Status.IsConnected, Timeout, "connected");
        var port = gateway.Port;

        await gateway.DisposeAsync();
        await Eventually.HoldsAsync(() => !agent.Status.IsConnected, Timeout, "disconnected");
        await using var restarted = await FakeGateway.StartAsync(port, gatewayId: "gateway-restarted");

        await Eventually.HoldsAsync(() => agent.Status.Snapshot().GatewayId == "gateway-restarted" && agent.Status.IsConnected, Timeout,
            "connected to the restarted gateway");
        await Eventually.HoldsAsync(() => restarted.OpenSlots == 2, Timeout, "the pool reopened on the restarted gateway");
    }

    [Fact(Timeout = 30_000)]
    public async Task Reconnect_message_moves_the_agent_to_a_new_connection_after_in_flight_requests()
    {
        var probe = new UpstreamProbe();
        await using var upstream = await FakeUpstream.StartAsync(probe.HoldUntilReleased("finished on the old connection"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the first pool");
        var first = gateway.Sessions.Single();
        var inFlight = gateway.ForwardAsync(TunnelForwardingTests.Get("/in-flight"), timeout: Timeout);
        await probe.Started.Task.WaitAsync(Timeout);

        await first.SendReconnectAsync("gateway draining", delayMs: 100);

        await first.Ended.Task.WaitAsync(Timeout);
        await Eventually.HoldsAsync(() => gateway.Sessions.Count == 2, Timeout, "a second session");
        var second = gateway.Sessions.Last();
        Assert.NotEqual(first.ConnectionId, second.ConnectionId);
        await Eventually.HoldsAsync(() => gateway.SlotConnectionIds.Count(id => id == second.ConnectionId) >= 2, Timeout,
            "new slots on the new connection");

        probe.Release();
        var response = await inFlight;
        Assert.Equal("finished on the old connection", response.BodyText);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the old connection's slots gone");
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_lets_in_flight_requests_finish_then_closes_everything()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            await Task.Delay(500);
            await context.Response.WriteAsync("done");
        });
        await using var gateway = await FakeGateway.StartAsync();
        var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 2, Timeout, "the pool");
        var inFlight = gateway.ForwardAsync(TunnelForwardingTests.Get("/slow"), timeout: Timeout);
        await Eventually.HoldsAsync(() => !upstream.Requests.IsEmpty, Timeout, "the request reaching the upstream");

        await agent.StopAsync(Timeout);

        var response = await inFlight;
        Assert.Equal("done", response.BodyText);
        await gateway.Sessions.Single().Ended.Task.WaitAsync(Timeout);
        await Eventually.HoldsAsync(() => gateway.OpenSlots == 0, Timeout, "all slots closed");
        await agent.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_cuts_requests_still_running_after_the_grace_period()
    {
        var probe = new UpstreamProbe();
        await using var upstream = await FakeUpstream.StartAsync(probe.HangUntilAborted());
        await using var gateway = await FakeGateway.StartAsync();
        var agent = await AgentUnderTest.StartAsync(gateway, upstream, s => s["Agent:ShutdownGracePeriod"] = "00:00:00.300");
        var slot = await gateway.TakeSlotAsync();
        await slot.SendRequestAsync(TunnelForwardingTests.Get("/watch"));
        await probe.Started.Task.WaitAsync(Timeout);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await agent.StopAsync(Timeout);

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopping.Elapsed}");
        await probe.Aborted.Task.WaitAsync(Timeout);
        await agent.DisposeAsync();
    }
}
