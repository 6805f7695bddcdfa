using Orleans.Runtime;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;

namespace Plural.Grains.Tests.Agents;

/// <summary>Where an agent's event log left off in the cluster's terms: what a new leader of the agent's replicas starts after.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentEventLogPublishedVersionsTests(ClusterFixture fixture)
{
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

    [Fact]
    public async Task The_highest_versions_outlive_the_log_s_activation()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        await PublishAsync(agent, ("Pod", "30"), ("ConfigMap", "31"));
        var before = await log.PublishedVersions();

        await Task.Delay(TimeSpan.FromMilliseconds(50));
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var after = await log.PublishedVersions();

        Assert.Equal(before.ByKind, after.ByKind);
        Assert.Equal(before.Since, after.Since);
    }

    private async Task PublishAsync(string agent, params (string Kind, string Version)[] changes)
    {
        var sequence = 0;
        IReadOnlyList<ClusterEvent> events = [.. changes.Select(c =>
            new ClusterEvent(agent, ++sequence, ClusterEventTypes.Modified, c.Kind, "demo", $"object-{sequence}", c.Version, "", DateTimeOffset.UtcNow))];
        await fixture.Grains.GetGrain<IAgentEventLogGrain>(agent).Append(Guid.NewGuid().ToString("N"), events);
    }
}
