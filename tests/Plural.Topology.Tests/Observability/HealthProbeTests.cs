using System.Net;
using System.Net.Http.Headers;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Observability;

[Collection(PostgresTopologyCollection.Name)]
public sealed class HealthProbeTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_silo_and_gateway_is_alive_and_ready()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var probed = fixture.Cluster.Silos.Select(s => (s.Name, s.HttpUrl))
            .Concat(fixture.Cluster.Gateways.Select(g => ("gateway " + g.Endpoint.Id, g.Endpoint.HttpUrl)))
            .ToList();
        Assert.NotEmpty(fixture.Cluster.Silos);
        Assert.NotEmpty(fixture.Cluster.Gateways);

        foreach (var (name, url) in probed)
        {
            var (live, liveBody) = await ProbeAsync(http, url, "/healthz");
            var (ready, readyBody) = await ProbeAsync(http, url, "/readyz");
            output.WriteLine($"{name}: /healthz {(int)live} {liveBody}, /readyz {(int)ready} {readyBody}");
            Assert.True(live == HttpStatusCode.OK, $"{name} /healthz answered {live}: {liveBody}");
            Assert.True(ready == HttpStatusCode.OK, $"{name} /readyz answered {ready}: {readyBody}");
        }
    }

    [Fact]
    public async Task A_draining_gateway_stays_alive_but_is_not_ready_until_it_exits()
    {
        // Out of the agents' rotation, so that its drain moves nobody; a slow request through it keeps the drain going.
        var gateway = await fixture.Cluster.StartGatewayAsync("gw-probe", inRotation: false);
        try
        {
            using var http = new HttpClient { BaseAddress = gateway.Endpoint.HttpUrl, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TopologyCluster.AdminToken);
            Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, gateway.Endpoint.HttpUrl, "/readyz")).Status);
            var slow = http.GetAsync($"/agents/{fixture.Agents.Names[0]}/proxy/slow?ms=6000");
            await Task.Delay(1000);

            using var accepted = await http.PostAsync("/admin/drain", null);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var (ready, readyBody) = await WaitForReadinessAsync(http, gateway.Endpoint.HttpUrl, TimeSpan.FromSeconds(5));
            var (live, _) = await ProbeAsync(http, gateway.Endpoint.HttpUrl, "/healthz");
            output.WriteLine($"draining gateway: /readyz {(int)ready} {readyBody}, /healthz {(int)live}");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
            Assert.Equal("draining", readyBody);
            Assert.Equal(HttpStatusCode.OK, live);
            using var slowResponse = await slow;
            Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        }
        finally
        {
            await fixture.Cluster.StopGatewayAsync(gateway, kill: false);
        }
    }

    /// <summary>Probes <c>/readyz</c> until it is not 200 (the drain flips it shortly after the call), or the timeout.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> WaitForReadinessAsync(HttpClient http, Uri gateway, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var probe = await ProbeAsync(http, gateway, "/readyz");
            if (probe.Status != HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return probe;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> ProbeAsync(HttpClient http, Uri host, string path)
    {
        using var response = await http.GetAsync(new Uri(host, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
