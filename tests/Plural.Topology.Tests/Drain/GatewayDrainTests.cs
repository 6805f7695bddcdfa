using System.Net;
using System.Net.Http.Headers;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Drain;

[Collection(PostgresTopologyCollection.Name)]
public sealed class GatewayDrainTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Draining_a_gateway_under_load_fails_no_request_started_before_or_after_and_moves_its_agents_to_the_other_gateway()
    {
        var cluster = fixture.Cluster;
        var draining = cluster.Gateways.Single(g => g.Endpoint.Id == TopologyFixture.GatewayIds[0]);
        var remaining = cluster.Gateways.Single(g => g.Endpoint.Id == TopologyFixture.GatewayIds[1]);
        // The test talks to the cluster through the gateway that stays.
        fixture.ReconnectApi(remaining.Endpoint.Id);
        await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
        try
        {
            await DrainUnderLoadAsync(draining, remaining);
        }
        finally
        {
            await fixture.Cluster.StopGatewayAsync(draining, kill: false);
            await fixture.Cluster.StartGatewayAsync(draining.Endpoint.Id);
        }
    }

    private async Task DrainUnderLoadAsync(GatewayNode draining, GatewayNode remaining)
    {
        await using var load = new LoadGenerator(fixture.Readiness, fixture.Agents.Names, workers: 4);
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 50, TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = draining.Endpoint.HttpUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TopologyCluster.AdminToken);
        // Requests that are still running on the draining gateway when the drain starts.
        var slow = fixture.Agents.Names.Take(8).Select(agent => http.GetAsync($"/agents/{agent}/proxy/slow?ms=3000")).ToList();
        await Task.Delay(500);

        var drainStarted = DateTime.UtcNow;
        using var accepted = await http.PostAsync("/admin/drain", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var moved = await fixture.WaitForAgentsAsync(
            a => a.Status.Connected && a.Status.Connections.All(c => c.GatewayId == remaining.Endpoint.Id), TimeSpan.FromSeconds(30));
        var movedAfter = DateTime.UtcNow - drainStarted;
        var exited = DateTime.UtcNow;
        while (!draining.Process.HasExited && DateTime.UtcNow - exited < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var exitedAfter = DateTime.UtcNow - drainStarted;
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 50, TimeSpan.FromSeconds(30));
        var slowResults = await Task.WhenAll(slow);

        var before = LoadReport.Of(load.Records, DateTime.MinValue, drainStarted);
        var inFlightAtDrain = load.Records.Where(r => r.Started < drainStarted && r.Ended > drainStarted).ToList();
        var after = LoadReport.Of(load.Records, drainStarted, DateTime.UtcNow);
        output.WriteLine($"drain: all {moved.Count} agents on {remaining.Endpoint.Id} after {movedAfter.TotalSeconds:0.0} s; process exited after {exitedAfter.TotalSeconds:0.0} s");
        output.WriteLine($"drain: started before: {before}; {inFlightAtDrain.Count} of them in flight at the drain, plus {slow.Count} slow ones");
        output.WriteLine($"drain: started after: {after}");
        Assert.True(draining.Process.HasExited, "the drained gateway did not exit");
        Assert.Equal(0, draining.Process.ExitCode);
        Assert.All(slowResults, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, before.Failed);
        // Started after the drain began: sent to the other gateway, or sent on from the draining one (whose peer hops
        // to agents that left are routed again), or served by a tunnel still there.
        Assert.Equal(0, after.Failed);
        Assert.True(movedAfter < TimeSpan.FromSeconds(15), $"agents took {movedAfter} to move");
    }

    [Fact]
    public async Task Drain_call_without_the_admin_token_is_refused_and_changes_nothing()
    {
        var gateway = fixture.Cluster.Gateways[0];
        using var http = new HttpClient { BaseAddress = gateway.Endpoint.HttpUrl };

        using var response = await http.PostAsync("/admin/drain", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(gateway.Process.HasExited);
    }
}
