using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Grains.Tests.Agents;

[Collection(ClusterCollection.Name)]
public sealed class TunnelLeaseTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Renewed_lease_makes_the_agent_connected_through_that_gateway()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());

        await grain.RenewLease(AgentFactory.Lease("gw-a"));

        var status = (await grain.Get())!.Status;
        Assert.True(status.Connected);
        Assert.NotNull(status.Since);
        Assert.Equal("gw-a", Assert.Single(status.Leases).GatewayId);
    }

    [Fact]
    public async Task A_lease_of_a_token_the_main_application_vouched_for_is_accepted_and_an_unknown_grain_token_is_not()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());

        var vouched = await grain.RenewLease(AgentFactory.Lease("gw-a", tokenId: MainAppTokenId.Of("rails-42")));
        var unknown = await grain.RenewLease(AgentFactory.Lease("gw-b", tokenId: "never-issued"));

        Assert.Equal((LeaseDecision.Accepted, LeaseDecision.TokenRevoked), (vouched, unknown));
        Assert.Equal("gw-a", Assert.Single((await grain.Get())!.Status.Leases).GatewayId);
    }

    [Fact]
    public async Task Lease_expires_when_not_refreshed()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease(ttl: TimeSpan.FromMilliseconds(400)));
        Assert.True((await grain.Get())!.Status.Connected);

        await Task.Delay(TimeSpan.FromMilliseconds(900));

        var status = (await grain.Get())!.Status;
        Assert.False(status.Connected);
        Assert.Empty(status.Leases);
        Assert.Empty(await grain.GetLeases());
    }

    [Fact]
    public async Task Refreshed_lease_outlives_its_first_ttl()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        var ttl = TimeSpan.FromMilliseconds(600);

        for (var i = 0; i < 4; i++)
        {
            await grain.RenewLease(AgentFactory.Lease(ttl: ttl));
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.True((await grain.Get())!.Status.Connected);
    }

    [Fact]
    public async Task Dropping_the_last_lease_disconnects_and_records_since_when()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease("gw-a"));
        await grain.RenewLease(AgentFactory.Lease("gw-b"));
        var connectedSince = (await grain.Get())!.Status.Since;

        await grain.DropLease("gw-a", "pod-1");
        Assert.True((await grain.Get())!.Status.Connected);
        await grain.DropLease("gw-b", "pod-1");

        var status = (await grain.Get())!.Status;
        Assert.False(status.Connected);
        Assert.True(status.Since > connectedSince);
    }

    [Fact]
    public async Task An_agent_that_never_connected_was_never_seen()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());

        Assert.Null((await grain.Get())!.Status.LastSeen);
    }

    [Fact]
    public async Task Last_seen_follows_the_renewals_and_stays_at_the_last_one_after_the_lease_lapses()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease(ttl: TimeSpan.FromMilliseconds(400)));
        var first = (await grain.Get())!.Status.LastSeen;
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        var beforeLastRenewal = DateTimeOffset.UtcNow;
        await grain.RenewLease(AgentFactory.Lease(ttl: TimeSpan.FromMilliseconds(400)));
        var afterLastRenewal = DateTimeOffset.UtcNow;

        await Task.Delay(TimeSpan.FromMilliseconds(900));

        var status = (await grain.Get())!.Status;
        Assert.False(status.Connected);
        Assert.NotNull(first);
        Assert.InRange(status.LastSeen!.Value, beforeLastRenewal, afterLastRenewal);
        Assert.True(status.LastSeen > first);
    }

    [Fact]
    public async Task Last_seen_is_when_the_last_session_ended()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease("gw-a"));
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        var beforeDrop = DateTimeOffset.UtcNow;

        await grain.DropLease("gw-a", "pod-1");

        var status = (await grain.Get())!.Status;
        Assert.False(status.Connected);
        Assert.InRange(status.LastSeen!.Value, beforeDrop, DateTimeOffset.UtcNow);
    }
}
