using Microsoft.Extensions.Logging.Abstractions;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// How the gateway asks a quiet agent for tunnel streams: only over a session that accepted being asked, once per
/// burst of requests, each of the agent's processes in turn, never over a session that ended.
/// </summary>
public sealed class TunnelDemandTests
{
    private readonly ManualClock _clock = new();
    private readonly List<string> _asked = [];

    [Fact]
    public void An_agent_with_no_session_that_accepted_being_asked_is_not_asked()
    {
        var demand = Demand();
        using var other = demand.Register("staging", Ask("staging-pod"));

        Assert.False(demand.TryAsk("prod"));
        Assert.Empty(_asked);
    }

    [Fact]
    public void A_burst_of_requests_asks_once_and_asks_again_after_a_quarter_second()
    {
        var demand = Demand();
        using var session = demand.Register("prod", Ask("prod-pod"));

        var burst = Enumerable.Range(0, 50).Select(_ => demand.TryAsk("prod")).ToList();
        _clock.Advance(TunnelDemand.AskEvery);
        var later = demand.TryAsk("prod");

        Assert.All(burst, Assert.True);
        Assert.True(later);
        Assert.Equal(["prod-pod", "prod-pod"], _asked);
    }

    [Fact]
    public void The_processes_of_one_agent_are_asked_in_turn_and_an_ended_session_no_longer()
    {
        var demand = Demand();
        var first = demand.Register("prod", Ask("prod-pod-1"));
        using var second = demand.Register("prod", Ask("prod-pod-2"));

        AskAfterAWhile(demand);
        AskAfterAWhile(demand);
        first.Dispose();
        AskAfterAWhile(demand);
        second.Dispose();

        Assert.Equal(3, _asked.Count);
        Assert.Equal(["prod-pod-1", "prod-pod-2"], _asked.Take(2).Order());
        Assert.Equal("prod-pod-2", _asked[2]);
        Assert.False(demand.TryAsk("prod"));
    }

    [Fact]
    public void A_session_that_cannot_be_written_to_leaves_the_request_waiting_and_is_asked_again_later()
    {
        var demand = Demand();
        using var stuck = demand.Register("prod", _ => throw new InvalidOperationException("the session is ending"));

        Assert.True(demand.TryAsk("prod"));
        _clock.Advance(TunnelDemand.AskEvery);
        Assert.True(demand.TryAsk("prod"));
    }

    private void AskAfterAWhile(TunnelDemand demand)
    {
        _clock.Advance(TunnelDemand.AskEvery);
        Assert.True(demand.TryAsk("prod"));
    }

    private TunnelDemand Demand() => new(_clock, NullLogger<TunnelDemand>.Instance);

    private Func<CancellationToken, ValueTask> Ask(string process) => _ =>
    {
        lock (_asked)
        {
            _asked.Add(process);
        }

        return ValueTask.CompletedTask;
    };
}
