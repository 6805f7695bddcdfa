using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Clustering;

[Collection(RedisTopologyCollection.Name)]
public sealed class RedisTopologyTests(RedisTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_on_redis_fails_no_request_to_a_connected_agent_and_stalls_ServerApi_at_most_two_seconds()
    {
        var report = await TopologyScenarios.KillSiloUnderLoadAsync(fixture, output);

        Assert.Equal(0, report.Load.Failed);
        Assert.True(report.ServerApiUnavailable <= TopologyScenarios.ServerApiWindowBound,
            $"ServerApi calls failed or waited for {report.ServerApiUnavailable.TotalSeconds:0.0} s around the kill");
        await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Stopping_and_starting_the_whole_cluster_on_redis_keeps_registrations_tokens_configs_and_views()
    {
        await TopologyScenarios.FullRestartAsync(fixture, output);
    }
}
