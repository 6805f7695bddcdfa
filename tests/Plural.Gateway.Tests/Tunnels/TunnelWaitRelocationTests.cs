using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>A request for an agent that holds no tunnel here, while its grain does not yet say where it is.</summary>
public sealed class TunnelWaitRelocationTests
{
    private static readonly DateTimeOffset ConnectedAt = DateTimeOffset.UtcNow.AddMinutes(-5);

    [Fact]
    public async Task A_request_waiting_for_a_route_goes_to_the_peer_the_grain_names_once_the_lease_is_renewed()
    {
        // The grain was re-activated after its silo died and has not heard a renewal yet; the second look finds one.
        var forwarder = Forwarder(Snapshot(), Snapshot(), Snapshot(Lease("gw-a")));

        var location = await forwarder.LocateAsync("prod", allowPeer: true, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Null(location.Failure);
        Assert.Equal("gw-a", location.Peer?.GatewayId);
    }

    [Fact]
    public async Task A_request_for_an_agent_connected_nowhere_fails_as_not_connected_when_its_wait_ends()
    {
        var forwarder = Forwarder(Snapshot());

        var location = await forwarder.LocateAsync("prod", allowPeer: true, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Null(location.Peer);
        Assert.Equal(503, location.Failure?.HttpStatus);
    }

    private static TunnelForwarder Forwarder(params AgentSnapshot[] answers)
    {
        var pending = new Queue<AgentSnapshot>(answers);
        var grains = new GrainStubs().On<IAgentGrain>(nameof(IAgentGrain.Get),
            (_, _) => Task.FromResult<AgentSnapshot?>(pending.Count > 1 ? pending.Dequeue() : pending.Peek()));
        var identity = new GatewayIdentity("gw-b", "http://127.0.0.1:1");
        var tunnels = Options.Create(new TunnelOptions());
        var locations = new AgentLocations(grains.Factory, new AgentListingMirror(TimeProvider.System), tunnels, Options.Create(new GrainReadOptions()), TimeProvider.System,
            NullLogger<AgentLocations>.Instance);
        return new TunnelForwarder(new TunnelRegistry(), new PeerGatewayForwarder(null!, identity, null!, NullLogger<PeerGatewayForwarder>.Instance),
            locations, new ForwardedRequestIntake(), identity, tunnels, new AgentTunnelLimiter(Options.Create(new TunnelLimitOptions())),
            new TunnelDemand(TimeProvider.System, NullLogger<TunnelDemand>.Instance), NullLogger<TunnelForwarder>.Instance);
    }

    private static TunnelLease Lease(string gateway) =>
        new(gateway, "http://127.0.0.1:2", "prod-pod", "1.0.0", ConnectedAt, 2, 0, DateTimeOffset.UtcNow.AddSeconds(30));

    private static AgentSnapshot Snapshot(params TunnelLease[] leases) =>
        new(new AgentRegistration("prod", new Dictionary<string, string>(), "", ConnectedAt.AddDays(-2)), [],
            new AgentConnectionStatus(leases.Length > 0, ConnectedAt, leases, ConnectedAt));
}
