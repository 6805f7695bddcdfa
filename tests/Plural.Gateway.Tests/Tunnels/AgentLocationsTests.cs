using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>Which gateways a request is routed to when the agent's grain names none.</summary>
public sealed class AgentLocationsTests
{
    private static readonly DateTimeOffset ConnectedAt = DateTimeOffset.UtcNow.AddMinutes(-5);

    [Fact]
    public async Task A_grain_that_lost_its_leases_with_a_silo_still_routes_to_the_gateway_known_before()
    {
        var (locations, answers) = Locations();
        answers.Enqueue(Snapshot(ConnectedAt, Lease()));
        await locations.GetAsync("prod", fresh: true, CancellationToken.None);

        // Re-activated elsewhere: no leases until the gateways renew, and the status it stored is from before.
        answers.Enqueue(Snapshot(ConnectedAt));
        var snapshot = (await locations.GetAsync("prod", fresh: true, CancellationToken.None))!;

        Assert.Equal(["gw-a"], locations.Routes("prod", snapshot).Select(l => l.GatewayId));
    }

    [Fact]
    public async Task A_grain_that_saw_the_agent_leave_after_the_leases_were_read_routes_nowhere()
    {
        var (locations, answers) = Locations();
        answers.Enqueue(Snapshot(ConnectedAt, Lease()));
        await locations.GetAsync("prod", fresh: true, CancellationToken.None);

        answers.Enqueue(Snapshot(DateTimeOffset.UtcNow.AddSeconds(1)));
        var snapshot = (await locations.GetAsync("prod", fresh: true, CancellationToken.None))!;

        Assert.Empty(locations.Routes("prod", snapshot));
    }

    [Fact]
    public void Only_a_snapshot_whose_agent_was_seen_after_its_last_status_change_may_have_lost_its_leases()
    {
        var (locations, _) = Locations();
        var now = DateTimeOffset.UtcNow;

        Assert.True(locations.MayHaveLostLeases(Snapshot(ConnectedAt, lastSeen: now.AddSeconds(-20))));
        // Left by dropping its lease: seen last at the moment its status changed.
        Assert.False(locations.MayHaveLostLeases(Snapshot(now.AddSeconds(-3), lastSeen: now.AddSeconds(-3))));
        // Its lease ran out: the status changed at the expiry, after the last renewal.
        Assert.False(locations.MayHaveLostLeases(Snapshot(now.AddSeconds(-3), lastSeen: now.AddSeconds(-20))));
        // Seen long ago: gone, whatever the grain forgot.
        Assert.False(locations.MayHaveLostLeases(Snapshot(ConnectedAt.AddDays(-1), lastSeen: now.AddHours(-2))));
    }

    private static (AgentLocations Locations, Queue<AgentSnapshot> Answers) Locations()
    {
        var answers = new Queue<AgentSnapshot>();
        var grains = new GrainStubs().On<IAgentGrain>(nameof(IAgentGrain.Get), (_, _) => Task.FromResult<AgentSnapshot?>(answers.Dequeue()));
        var locations = new AgentLocations(grains.Factory, new AgentListingMirror(TimeProvider.System), Options.Create(new TunnelOptions()), Options.Create(new GrainReadOptions()),
            TimeProvider.System, NullLogger<AgentLocations>.Instance);
        return (locations, answers);
    }

    private static TunnelLease Lease() =>
        new("gw-a", "10.0.0.1:8160", "prod-pod", "1.0.0", ConnectedAt, 2, 0, DateTimeOffset.UtcNow.AddSeconds(30));

    private static AgentSnapshot Snapshot(DateTimeOffset since, params TunnelLease[] leases) =>
        Snapshot(since, DateTimeOffset.UtcNow, leases);

    private static AgentSnapshot Snapshot(DateTimeOffset since, DateTimeOffset lastSeen, params TunnelLease[] leases) =>
        new(new AgentRegistration("prod", new Dictionary<string, string>(), "", ConnectedAt.AddDays(-2)), [],
            new AgentConnectionStatus(leases.Length > 0, since, leases, lastSeen));
}
