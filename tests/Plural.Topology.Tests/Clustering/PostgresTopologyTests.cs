using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Clustering;

[Collection(PostgresTopologyCollection.Name)]
public sealed class PostgresTopologyTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_under_load_costs_at_most_a_short_blip_and_keeps_every_registration()
    {
        var report = await TopologyScenarios.KillSiloUnderLoadAsync(fixture, output);

        Assert.True(report.LongestBlip < TimeSpan.FromSeconds(20), $"blip too long: {report}");
        var agents = await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
        Assert.Equal(fixture.Agents.Names.Count, agents.Count(a => fixture.Agents.Names.Contains(a.Name)));
    }

    [Fact]
    public async Task Scaling_silos_from_three_to_one_and_back_keeps_requests_succeeding()
    {
        var report = await TopologyScenarios.ScaleInAndOutAsync(fixture, to: 1, output);

        // Graceful scale-in hands grains over: a failure here means a request was lost, not delayed.
        Assert.True(report.Failed <= report.Total / 100, $"too many failures while scaling: {report}");
        Assert.Equal(3, fixture.Cluster.Silos.Count);
        await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Stopping_and_starting_the_whole_cluster_keeps_registrations_tokens_access_policies_configs_and_views()
    {
        await TopologyScenarios.FullRestartAsync(fixture, output);

        Assert.True(await fixture.Postgres.ScalarAsync("plural", "SELECT count(*) FROM orleansstorage") > fixture.Agents.Names.Count);
    }
}
