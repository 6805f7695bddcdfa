using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tests.Operations;
using Plural.Gateway.Tests.Tunnels;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Agents;

/// <summary>Lease renewal: what the cluster is told about a session, and what a refusal does to it.</summary>
public sealed class LeaseKeeperTests
{
    private static readonly GatewayIdentity Gateway = new("gw-1", "https://10.0.0.1:8154");
    private readonly SessionRegistry _sessions = new();
    private readonly TunnelRegistry _tunnels = new();
    private readonly GrainStubs _grains = new();
    private readonly LeaseOptions _options = new() { TimeToLive = TimeSpan.FromSeconds(45), RefreshInterval = TimeSpan.FromMilliseconds(20) };
    private Func<string, LeaseRenewal, LeaseDecision> _decide = (_, _) => LeaseDecision.Accepted;

    public LeaseKeeperTests()
    {
        _grains.On<IAgentGrain>("RenewLease", (agent, args) => Task.FromResult(_decide(agent, (LeaseRenewal)args[0]!)));
        _grains.On<IAgentGrain>("DropLease", (_, _) => Task.FromException(new TimeoutException("silo unreachable")));
        _grains.On<IAgentTokenGrain>("Resolve", (_, _) => Task.FromResult<TokenBinding?>(null));
    }

    [Fact]
    public async Task A_renewal_tells_the_agent_grain_where_the_session_is_and_how_busy()
    {
        var agent = RecordingSession.Open(_sessions, "prod", DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        agent.Session.OnHeartbeat(new Protocol.Agent.Heartbeat { ActiveTunnels = 3 });
        _tunnels.Offer(new ChannelTunnelStream().Tunnel("prod", "pod", "token-prod"));
        _tunnels.Offer(new ChannelTunnelStream().Tunnel("prod", "pod", "token-prod"));
        _tunnels.Offer(new ChannelTunnelStream().Tunnel("prod", "other-pod", "token-prod"));

        var decision = await Keeper().RenewAsync(agent.Session);

        Assert.Equal(LeaseDecision.Accepted, decision);
        var (key, _, args) = Assert.Single(_grains.Calls);
        Assert.Equal("prod", key);
        var renewal = (LeaseRenewal)args[0]!;
        Assert.Equal(
            new LeaseRenewal("gw-1", "https://10.0.0.1:8154", "pod", "", "token-prod", DateTimeOffset.Parse("2026-01-01T00:00:00Z"), 2, 3, TimeSpan.FromSeconds(45)),
            renewal with { Conditions = null });
        // The session reported no version, which the gateway says rather than trusting it.
        Assert.Equal([("version", false)], renewal.Conditions!.Select(c => (c.Type, c.Ok)));
        Assert.False(agent.Session.Closed.IsCancellationRequested);
    }

    [Theory]
    [InlineData(LeaseDecision.TokenRevoked, "agent token was revoked")]
    [InlineData(LeaseDecision.TokenExpired, "agent token expired")]
    [InlineData(LeaseDecision.UnknownAgent, "agent is no longer registered")]
    public async Task A_refused_renewal_closes_the_session_and_the_tokens_idle_tunnels(LeaseDecision refusal, string reason)
    {
        var agent = RecordingSession.Open(_sessions, "prod");
        var tunnel = new ChannelTunnelStream().Tunnel("prod", "pod", "token-prod");
        _tunnels.Offer(tunnel);
        _decide = (_, _) => refusal;

        var decision = await Keeper().RenewAsync(agent.Session);

        Assert.Equal(refusal, decision);
        Assert.Equal(new Status(StatusCode.Unauthenticated, reason), agent.Session.CloseStatus);
        var ended = await Assert.ThrowsAsync<RpcException>(() => tunnel.Released);
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
    }

    [Fact]
    public async Task A_session_not_yet_registered_is_closed_all_the_same_when_refused()
    {
        var agent = RecordingSession.Open(new SessionRegistry(), "prod");
        _decide = (_, _) => LeaseDecision.TokenRevoked;

        await Keeper().RenewAsync(agent.Session);

        Assert.True(agent.Session.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task A_lease_that_cannot_be_dropped_is_left_to_lapse()
    {
        var agent = RecordingSession.Open(_sessions, "prod");

        await Keeper().DropAsync(agent.Session);

        Assert.Equal("DropLease", Assert.Single(_grains.Calls).Method);
    }

    [Fact]
    public async Task Every_session_is_renewed_each_interval_and_one_failure_does_not_stop_the_others()
    {
        RecordingSession.Open(_sessions, "broken");
        RecordingSession.Open(_sessions, "prod");
        _decide = (agent, _) => agent == "broken" ? throw new TimeoutException("silo busy") : LeaseDecision.Accepted;
        using var keeper = Keeper();

        await keeper.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_grains.Calls.Count(c => c.Key == "prod") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "prod was not renewed twice");
            await Task.Delay(10);
        }

        await keeper.StopAsync(CancellationToken.None);
        Assert.Contains(_grains.Calls, c => c.Key == "broken");
    }

    private LeaseKeeper Keeper()
    {
        var tokens = new AgentTokenCache(_grains.Factory, Options.Create(new AgentAuthOptions()), TimeProvider.System, NullLogger<AgentTokenCache>.Instance);
        var closer = new TokenSessionCloser(_sessions, _tunnels, tokens, TimeProvider.System, NullLogger<TokenSessionCloser>.Instance);
        return new LeaseKeeper(_sessions, _tunnels, closer, _grains.Factory, Gateway, Options.Create(_options), NullLogger<LeaseKeeper>.Instance);
    }
}
