using Orleans.Runtime;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Agents;

/// <summary>Where an agent's event log left off in the cluster's terms: what a new leader of the agent's replicas starts after.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentEventLogPublishedVersionsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_log_names_the_highest_resource_version_of_each_kind_it_took_in()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var before = DateTimeOffset.UtcNow;
        var empty = await log.PublishedVersions();

        await PublishAsync(agent, ("Pod", "9"), ("Pod", "12"), ("Deployment", "10"), ("Pod", "11"), ("Service", "not-a-number"));
        var published = await log.PublishedVersions();

        Assert.Empty(empty.ByKind);
        Assert.Equal(new Dictionary<string, string> { ["Pod"] = "12", ["Deployment"] = "10" }, published.ByKind);
        Assert.Equal(empty.Since, published.Since);
        Assert.True(published.Since <= DateTimeOffset.UtcNow && published.Since >= before.AddMinutes(-1));
    }

    private async Task PublishAsync(string agent, params (string Kind, string Version)[] changes)
    {
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var before = await log.LastPosition();
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<ClusterEvent>(StreamId.Create(StreamNames.ClusterEvents, agent));
        var sequence = 0;
        foreach (var (kind, version) in changes)
        {
            await stream.OnNextAsync(new ClusterEvent(agent, ++sequence, ClusterEventTypes.Modified, kind, "demo", $"object-{sequence}", version, "", DateTimeOffset.UtcNow));
        }

        await Eventually.UntilAsync(log.LastPosition, last => last == before + changes.Length, Wait, $"the log of {agent} holding {changes.Length} new events");
    }
}
