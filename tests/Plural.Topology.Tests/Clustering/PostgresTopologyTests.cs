using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Clustering;

[Collection(PostgresTopologyCollection.Name)]
public sealed class PostgresTopologyTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_under_load_fails_no_request_to_a_connected_agent_stalls_ServerApi_at_most_two_seconds_and_keeps_every_registration()
    {
        var report = await TopologyScenarios.KillSiloUnderLoadAsync(fixture, output);

        Assert.Equal(0, report.Load.Failed);
        Assert.True(report.ServerApiUnavailable <= TopologyScenarios.ServerApiWindowBound,
            $"ServerApi calls failed or waited for {report.ServerApiUnavailable.TotalSeconds:0.0} s around the kill");
        var agents = await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
        Assert.Equal(fixture.Agents.Names.Count, agents.Count(a => fixture.Agents.Names.Contains(a.Name)));
    }

    [Fact]
    public async Task Scaling_silos_from_three_to_one_and_back_fails_no_request()
    {
        var report = await TopologyScenarios.ScaleInAndOutAsync(fixture, to: 1, output);

        Assert.Equal(0, report.Failed);
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
