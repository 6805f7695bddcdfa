using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Grains.Tests.Agents;

namespace Plural.Grains.Tests.Fleet;

[Collection(ClusterCollection.Name)]
public sealed class DirectoryUpgradeTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Agents_named_by_the_former_single_directory_grain_are_carried_into_the_shards_once()
    {
        // As an earlier version left them: the agent's own state, and its name in the one "fleet" grain only.
        var name = AgentFactory.NewName();
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var registration = new AgentRegistration(name, new Dictionary<string, string> { ["tier"] = "edge" }, "", DateTimeOffset.UtcNow);
        await storage.WriteStateAsync("agent", fixture.Grains.GetGrain<IAgentGrain>(name).GetGrainId(),
            new GrainState<AgentState>(new AgentState { Registration = registration, Tokens = [AgentFactory.NewToken().Record] }));
        var legacy = fixture.Grains.GetGrain<IAgentDirectoryGrain>(IAgentDirectoryGrain.Key);
        await storage.WriteStateAsync("directory", legacy.GetGrainId(),
            new GrainState<AgentDirectoryState>(new AgentDirectoryState { Names = new SortedSet<string>(StringComparer.Ordinal) { name, "gone-" + name } }));
        Assert.Null(await DirectoryListings.FindAsync(fixture.Grains, name));

        var carried = await legacy.CarryIntoDirectory();
        var again = await legacy.CarryIntoDirectory();

        var listing = await DirectoryListings.FindAsync(fixture.Grains, name, "tier=edge");
        Assert.NotNull(listing);
        Assert.Equal(registration.CreatedAt, listing.CreatedAt);
        Assert.Equal(2, carried);
        Assert.Equal(0, again);
        Assert.Null(await DirectoryListings.FindAsync(fixture.Grains, "gone-" + name));
    }
}
