using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Observability;

[Collection(PostgresTopologyCollection.Name)]
public sealed class MetricsTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_of_gateways_and_silos_show_agents_tunnels_requests_and_grain_activations()
    {
        await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
        await using (var load = new LoadGenerator(fixture.Readiness, fixture.Agents.Names, workers: 2))
        {
            await load.WaitForSuccessesAsync(DateTime.UtcNow, 40, TimeSpan.FromSeconds(30));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var gateways = new List<PrometheusText>();
        foreach (var gateway in fixture.Cluster.Gateways)
        {
            gateways.Add(new PrometheusText(await http.GetStringAsync(new Uri(gateway.Endpoint.HttpUrl, "/metrics"))));
        }

        var silo = new PrometheusText(await http.GetStringAsync(new Uri(fixture.Cluster.Silos[0].HttpUrl, "/metrics")));
        output.WriteLine("gateway series: " + string.Join(", ", gateways[0].Names.Where(n => n.StartsWith("plural_", StringComparison.Ordinal))));

        Assert.Equal(fixture.Agents.Names.Count, gateways.Sum(g => g.Sum("plural_gateway_agents_connected")));
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnels_idle")) >= fixture.Agents.Names.Count);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_requests_total", "status=\"200\"")) >= 40);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_request_duration_seconds_count")) >= 40);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_bytes_total", "direction=\"from_agent\"")) > 40 * "echo /echo/load".Length);
        Assert.All(gateways, g => Assert.True(g.Has("plural_gateway_cable_connections")));
        Assert.All(gateways, g => Assert.Equal(0, g.Sum("plural_gateway_draining")));
        Assert.True(silo.Sum("orleans_catalog_activations") > 0, "no grain activations reported by the silo");
        Assert.True(silo.Has("orleans_messaging_sent_messages_total") || silo.Names.Any(n => n.StartsWith("orleans_messaging", StringComparison.Ordinal)));
    }
}
