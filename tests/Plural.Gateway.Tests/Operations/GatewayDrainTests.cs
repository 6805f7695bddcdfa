using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Cable;
using Plural.Gateway.Operations;
using Plural.Gateway.Tests.Cable;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Operations;

/// <summary>The phases of a drain: not ready, agents told to move, in-flight work awaited up to a deadline, the rest cut.</summary>
public sealed class GatewayDrainTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly SessionRegistry _sessions = new();
    private readonly InFlightRequests _inFlight = new();
    private readonly CableHub _cable = new([], Options.Create(new CableOptions()), NullLogger<CableHub>.Instance);
    private readonly RecordingLifetime _lifetime = new();
    private readonly DrainOptions _options = new()
    {
        ReadinessDelay = TimeSpan.FromMinutes(10),
        ReconnectSpread = TimeSpan.FromMilliseconds(200),
        Timeout = TimeSpan.FromMinutes(10),
    };

    [Fact]
    public async Task A_gateway_without_agents_or_requests_finishes_its_drain_at_once()
    {
        var drain = Drain();

        await drain.StoppingAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(DrainPhase.Done, drain.Phase);
        Assert.True(drain.IsDraining);
    }

    [Fact]
    public void A_requested_drain_stops_the_host_which_then_runs_the_drain()
    {
        var drain = Drain();

        drain.Request();

        Assert.True(_lifetime.StopRequested);
        Assert.Equal(DrainPhase.Serving, drain.Phase);
        Assert.False(drain.IsDraining);
    }

    [Fact]
    public async Task The_gateway_turns_not_ready_before_it_tells_agents_to_reconnect()
    {
        _options.ReadinessDelay = TimeSpan.FromMilliseconds(300);
        var agent = RecordingSession.Open(_sessions, leavesWhenToldToReconnect: true);
        var drain = Drain();

        var draining = drain.StoppingAsync(CancellationToken.None);

        Assert.Equal(DrainPhase.Announced, drain.Phase);
        Assert.True(drain.IsDraining);
        Assert.Equal(0, agent.SentCount);
        var reconnect = (await agent.ReceiveAsync()).Reconnect;
        Assert.Equal("gateway draining", reconnect.Reason);
        Assert.InRange(reconnect.DelayMs, 0, 200);
        await draining.WaitAsync(Patience);
        Assert.Equal(DrainPhase.Done, drain.Phase);
        Assert.Null(agent.Session.CloseStatus);
    }

    [Fact]
    public async Task The_drain_waits_for_requests_in_flight()
    {
        _inFlight.Enter();
        var drain = Drain();

        var draining = drain.StoppingAsync(CancellationToken.None);
        await Task.Delay(250);

        Assert.False(draining.IsCompleted);
        Assert.Equal(DrainPhase.HandingOver, drain.Phase);
        _inFlight.Leave();
        await draining.WaitAsync(Patience);
        Assert.Equal(DrainPhase.Done, drain.Phase);
    }

    [Fact]
    public async Task At_the_deadline_sessions_still_open_are_closed_as_unavailable()
    {
        _options.ReadinessDelay = TimeSpan.Zero;
        _options.Timeout = TimeSpan.FromMilliseconds(200);
        var stubborn = RecordingSession.Open(_sessions);
        var drain = Drain();

        await drain.StoppingAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(DrainPhase.Done, drain.Phase);
        Assert.True(stubborn.Session.Closed.IsCancellationRequested);
        Assert.Equal(StatusCode.Unavailable, stubborn.Session.CloseStatus?.StatusCode);
        Assert.Empty(_sessions.All);
    }

    [Fact]
    public async Task At_the_deadline_requests_still_in_flight_no_longer_hold_the_drain()
    {
        _options.Timeout = TimeSpan.FromMilliseconds(200);
        _inFlight.Enter();
        var drain = Drain();

        await drain.StoppingAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(DrainPhase.Done, drain.Phase);
    }

    [Fact]
    public async Task When_the_hosts_shutdown_time_is_up_the_drain_finishes_quickly()
    {
        RecordingSession.Open(_sessions);
        _inFlight.Enter();
        using var hostTimeout = new CancellationTokenSource();
        var drain = Drain();

        var draining = drain.StoppingAsync(hostTimeout.Token);
        await hostTimeout.CancelAsync();

        await draining.WaitAsync(Patience);
        Assert.Equal(DrainPhase.Done, drain.Phase);
    }

    [Fact]
    public async Task Open_cable_connections_are_told_to_reconnect_and_do_not_hold_the_drain_to_its_deadline()
    {
        _options.ReadinessDelay = TimeSpan.FromMilliseconds(100);
        var subscriber = CableClient.Connect(_cable, new CableOptions(), new Caller(CallerKind.Admin, "admin", [], null), TimeProvider.System);
        // As the drain middleware counts a /cable request: in flight until its WebSocket is over.
        _inFlight.Enter();
        _ = subscriber.Run.ContinueWith(_ => _inFlight.Leave(), TaskScheduler.Default);
        await subscriber.ExpectAsync("welcome");
        var drain = Drain();

        var draining = drain.StoppingAsync(CancellationToken.None);

        var disconnect = await subscriber.ExpectAsync("disconnect");
        Assert.Equal("server_restart", disconnect.GetProperty("reason").GetString());
        Assert.True(disconnect.GetProperty("reconnect").GetBoolean());
        await subscriber.DisposeAsync();
        await draining.WaitAsync(Patience);
        Assert.Equal(DrainPhase.Done, drain.Phase);
    }

    [Fact]
    public async Task A_reconnect_that_cannot_be_sent_is_not_an_error()
    {
        var broken = RecordingSession.Open(_sessions);
        broken.Failure = new RpcException(new Status(StatusCode.Cancelled, "agent went away"));

        await Drain().SendReconnectAsync(broken.Session, "test", TimeSpan.Zero, CancellationToken.None);
    }

    private GatewayDrain Drain() => TestDrains.Over(_sessions, _inFlight, _options, _lifetime, _cable);
}
