using Grpc.Core;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>Idle tunnels parked per agent, claimed by requests, and the requests that wait for one.</summary>
public sealed class TunnelRegistryTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private readonly TunnelRegistry _registry = new();

    [Fact]
    public void The_tunnel_parked_last_is_taken_first()
    {
        var older = Park();
        var newer = Park();

        Assert.Same(newer, _registry.TryTake("agent-a"));
        Assert.Same(older, _registry.TryTake("agent-a"));
        Assert.Null(_registry.TryTake("agent-a"));
    }

    [Fact]
    public void A_taken_tunnel_is_claimed_and_no_longer_idle()
    {
        var tunnel = Park();

        var taken = _registry.TryTake("agent-a");

        Assert.Same(tunnel, taken);
        Assert.False(tunnel.IsIdle);
        Assert.False(tunnel.TryClaim());
        Assert.Equal(0, _registry.IdleCount("agent-a", "pod-1"));
    }

    [Fact]
    public void Tunnels_of_one_agent_are_never_handed_to_another()
    {
        Park(agent: "agent-a");

        Assert.Null(_registry.TryTake("agent-b"));
        Assert.Null(_registry.TryTake("unknown"));
    }

    [Fact]
    public async Task A_tunnel_whose_agent_already_ended_it_is_skipped()
    {
        var live = Park();
        var closingStream = new ChannelTunnelStream();
        var closing = closingStream.Tunnel();
        _registry.Offer(closing);
        closingStream.End();
        Assert.True(await closing.ReadingEndedAsync(TimeSpan.FromSeconds(10)));

        Assert.Same(live, _registry.TryTake("agent-a"));
        Assert.True(closing.IsIdle);
    }

    [Fact]
    public void A_removed_tunnel_is_not_handed_out()
    {
        var tunnel = Park();

        _registry.Remove(tunnel);

        Assert.Null(_registry.TryTake("agent-a"));
    }

    [Fact]
    public void Idle_tunnels_are_counted_per_agent_process()
    {
        Park(instance: "pod-1");
        Park(instance: "pod-1");
        Park(instance: "pod-2");

        Assert.Equal(2, _registry.IdleCount("agent-a", "pod-1"));
        Assert.Equal(1, _registry.IdleCount("agent-a", "pod-2"));
        Assert.Equal(0, _registry.IdleCount("agent-b", "pod-1"));
    }

    [Fact]
    public async Task An_idle_tunnel_is_acquired_without_waiting()
    {
        var tunnel = Park();

        var acquired = await _registry.AcquireAsync("agent-a", TimeSpan.Zero, CancellationToken.None);

        Assert.Same(tunnel, acquired);
    }

    [Fact]
    public async Task A_waiting_request_gets_the_next_tunnel_that_arrives()
    {
        var waiting = _registry.AcquireAsync("agent-a", Long, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        var tunnel = Park();

        Assert.Same(tunnel, await waiting);
        Assert.False(tunnel.IsIdle);
        Assert.Equal(0, _registry.IdleCount("agent-a", "pod-1"));
    }

    [Fact]
    public async Task Waiting_requests_are_served_in_the_order_they_arrived()
    {
        var first = _registry.AcquireAsync("agent-a", Long, CancellationToken.None);
        var second = _registry.AcquireAsync("agent-a", Long, CancellationToken.None);

        var a = Park();
        var b = Park();

        Assert.Same(a, await first);
        Assert.Same(b, await second);
    }

    [Fact]
    public async Task A_request_gets_null_when_no_tunnel_arrives_within_the_wait()
    {
        var acquired = await _registry.AcquireAsync("agent-a", TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.Null(acquired);
    }

    [Fact]
    public async Task A_tunnel_that_arrives_after_its_waiter_gave_up_stays_idle_for_the_next_request()
    {
        Assert.Null(await _registry.AcquireAsync("agent-a", TimeSpan.FromMilliseconds(20), CancellationToken.None));

        var tunnel = Park();

        Assert.True(tunnel.IsIdle);
        Assert.Equal(1, _registry.IdleCount("agent-a", "pod-1"));
        Assert.Same(tunnel, _registry.TryTake("agent-a"));
    }

    [Fact]
    public async Task A_caller_that_leaves_while_waiting_gets_cancelled_and_takes_no_tunnel()
    {
        using var leaving = new CancellationTokenSource();
        var waiting = _registry.AcquireAsync("agent-a", Long, leaving.Token);

        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var tunnel = Park();
        Assert.True(tunnel.IsIdle);
    }

    [Fact]
    public async Task Retiring_a_token_ends_only_its_idle_tunnels_with_the_given_status()
    {
        var revoked = Park(tokenId: "revoked");
        var busy = Park(tokenId: "revoked");
        Assert.Same(busy, _registry.TryTake("agent-a"));
        var other = Park(tokenId: "other");
        var reason = new RpcException(new Status(StatusCode.Unauthenticated, "token revoked"));

        var retired = _registry.RetireByToken("agent-a", "revoked", reason);

        Assert.Equal(1, retired);
        Assert.Same(reason, await Assert.ThrowsAsync<RpcException>(() => revoked.Released));
        Assert.False(revoked.TryClaim());
        Assert.False(busy.Released.IsCompleted);
        Assert.Same(other, _registry.TryTake("agent-a"));
        Assert.Null(_registry.TryTake("agent-a"));
        Assert.Equal(0, _registry.RetireByToken("agent-b", "revoked", reason));
    }

    private AgentTunnel Park(string agent = "agent-a", string instance = "pod-1", string tokenId = "token-1")
    {
        var tunnel = new ChannelTunnelStream().Tunnel(agent, instance, tokenId);
        _registry.Offer(tunnel);
        return tunnel;
    }
}
