using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Grains.Tests.Agents;

namespace Plural.Grains.Tests.Fleet;

[Collection(ClusterCollection.Name)]
public sealed class AgentDirectoryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_registered_agent_is_listed_with_its_labels_and_found_by_a_selector()
    {
        var name = AgentFactory.NewName();
        var created = DateTimeOffset.UtcNow;
        await fixture.Grains.GetGrain<IAgentGrain>(name).Register(
            new AgentRegistration(name, new Dictionary<string, string> { ["env"] = "prod" }, "edge cluster", created),
            AgentFactory.NewToken().Record);

        var listing = await DirectoryListings.FindAsync(fixture.Grains, name, "env in (prod,staging)");

        Assert.NotNull(listing);
        Assert.Equal("prod", listing.Labels["env"]);
        Assert.Equal("edge cluster", listing.Description);
        Assert.Equal(created, listing.CreatedAt);
        Assert.False(listing.Connected);
        Assert.Null(await DirectoryListings.FindAsync(fixture.Grains, name, "env=dev"));
    }

    [Fact]
    public async Task Connecting_and_disconnecting_show_in_the_listing_with_gateway_and_version()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        var name = grain.GetPrimaryKeyString();

        await grain.RenewLease(AgentFactory.Lease("gw-a"));
        var connected = await DirectoryListings.FindAsync(fixture.Grains, name, connectedOnly: true);
        await grain.DropLease("gw-a", "pod-1");
        var disconnected = await DirectoryListings.FindAsync(fixture.Grains, name);

        Assert.NotNull(connected);
        Assert.True(connected.Connected);
        var connection = Assert.Single(connected.Connections);
        Assert.Equal(("gw-a", "pod-1", "1.0.0"), (connection.GatewayId, connection.InstanceId, connection.AgentVersion));
        Assert.NotNull(disconnected);
        Assert.False(disconnected.Connected);
        Assert.Empty(disconnected.Connections);
        Assert.Null(await DirectoryListings.FindAsync(fixture.Grains, name, connectedOnly: true));
    }

    [Fact]
    public async Task A_second_gateway_joining_is_written_to_the_listing()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());

        await grain.RenewLease(AgentFactory.Lease("gw-a"));
        await grain.RenewLease(AgentFactory.Lease("gw-b"));

        var listing = await DirectoryListings.FindAsync(fixture.Grains, grain.GetPrimaryKeyString());
        Assert.Equal(["gw-a", "gw-b"], listing!.Connections.Select(c => c.GatewayId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_lease_that_lapses_without_a_drop_shows_as_disconnected_in_the_listing()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease(ttl: TimeSpan.FromMilliseconds(400)));

        var listing = await DirectoryListings.WaitAsync(fixture.Grains, grain.GetPrimaryKeyString(), l => l is { Connected: false });

        Assert.NotNull(listing);
        Assert.False(listing.Connected);
    }

    [Fact]
    public async Task A_deleted_agent_leaves_the_listing()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        await grain.RenewLease(AgentFactory.Lease());

        await grain.Delete();

        Assert.Null(await DirectoryListings.FindAsync(fixture.Grains, grain.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_shard_pages_in_name_order_and_says_when_more_match()
    {
        var prefix = "shard-" + Guid.NewGuid().ToString("N")[..6];
        var shard = -1;
        var names = new List<string>();
        // Names of one shard, so that one shard's answer holds them all.
        for (var i = 0; names.Count < 3; i++)
        {
            var name = $"{prefix}-{i}";
            var of = AgentDirectoryKeys.ShardOf(AgentDirectoryKeys.BucketOf(name));
            if (shard < 0 || of == shard)
            {
                shard = of;
                names.Add(name);
                await AgentFactory.RegisterAsync(fixture.Grains, name);
            }
        }

        var grain = fixture.Grains.GetGrain<IAgentDirectoryShardGrain>(shard);
        var first = await grain.List(new AgentListingQuery(prefix, 2));
        var rest = await grain.List(new AgentListingQuery(first.Agents[^1].Name, 100));

        var expected = names.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected[..2], first.Agents.Select(a => a.Name));
        Assert.True(first.More);
        Assert.Equal(expected[2], rest.Agents.Where(a => a.Name.StartsWith(prefix, StringComparison.Ordinal)).Single().Name);
    }

    [Fact]
    public void Names_spread_over_every_shard_and_a_name_always_lands_in_the_same_bucket()
    {
        var shards = Enumerable.Range(0, 10_000).Select(i => AgentDirectoryKeys.ShardOf(AgentDirectoryKeys.BucketOf($"agent-{i}"))).ToList();

        Assert.Equal(AgentDirectoryKeys.Shards, shards.Distinct().Count());
        // Fixed values: a hash that changed between versions would hide every registered agent from listings.
        Assert.Equal(AgentDirectoryKeys.BucketOf("prod-eu-1"), AgentDirectoryKeys.BucketOf(new string("prod-eu-1".ToCharArray())));
        Assert.Equal(3411, AgentDirectoryKeys.BucketOf("prod-eu-1"));
    }
}
