using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Tests.Agents;

namespace Plural.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterViewGrainTests(ClusterFixture fixture)
{
    internal static ClusterView View(string agent, int nodes = 2, int ready = 2, long sequence = 1, int running = 3) => new(
        agent,
        sequence,
        nodes,
        ready,
        [new NamespacePodPhases("demo", 0, running, 0, 0, 0)],
        [new UnavailableWorkload("Deployment", "demo", "web", 2, 1)],
        0.2,
        TimeSpan.FromMinutes(5),
        DateTimeOffset.UtcNow);

    [Fact]
    public async Task An_agent_without_a_view_has_none_and_is_offline()
    {
        var snapshot = await fixture.Grains.GetGrain<IClusterViewGrain>(AgentFactory.NewName()).Get();

        Assert.Null(snapshot.View);
        Assert.Null(snapshot.Age);
        Assert.True(snapshot.Offline);
    }

    [Fact]
    public async Task The_last_reported_view_is_served_with_its_age_and_connection_status()
    {
        var (agent, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        var name = agent.GetPrimaryKeyString();
        await agent.RenewLease(AgentFactory.Lease());
        var grain = fixture.Grains.GetGrain<IClusterViewGrain>(name);

        await grain.Report(View(name, nodes: 3, ready: 2));
        await Task.Delay(300);
        var snapshot = await grain.Get();

        Assert.Equal(3, snapshot.View!.NodeCount);
        Assert.Equal(2, snapshot.View.NodesReady);
        Assert.Equal(3, Assert.Single(snapshot.View.PodsByNamespace).Running);
        Assert.Equal("web", Assert.Single(snapshot.View.WorkloadsNotAvailable).Name);
        Assert.False(snapshot.Offline);
        Assert.InRange(snapshot.Age!.Value, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_disconnected_agent_keeps_its_view_marked_offline()
    {
        var (agent, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());
        var name = agent.GetPrimaryKeyString();
        await agent.RenewLease(AgentFactory.Lease());
        var grain = fixture.Grains.GetGrain<IClusterViewGrain>(name);
        await grain.Report(View(name, nodes: 5, ready: 5));

        await agent.DropLease("gw-1", "pod-1");
        var snapshot = await grain.Get();

        Assert.True(snapshot.Offline);
        Assert.NotNull(snapshot.StatusSince);
        Assert.Equal(5, snapshot.View!.NodeCount);
    }

    [Fact]
    public async Task Only_a_view_that_says_something_new_is_news()
    {
        var name = AgentFactory.NewName();
        var grain = fixture.Grains.GetGrain<IClusterViewGrain>(name);

        var first = await grain.Report(View(name, sequence: 1));
        var refresh = await grain.Report(View(name, sequence: 2));
        var changed = await grain.Report(View(name, sequence: 3, running: 4));

        Assert.True(first);
        Assert.False(refresh);
        Assert.True(changed);
        Assert.Equal(3, (await grain.Get()).View!.Sequence);
    }

    [Fact]
    public async Task The_view_is_stored_under_the_grains_agent_whatever_the_report_says()
    {
        var name = AgentFactory.NewName();
        var grain = fixture.Grains.GetGrain<IClusterViewGrain>(name);

        await grain.Report(View("someone-else"));

        Assert.Equal(name, (await grain.Get()).View!.AgentId);
    }
}
