using System.Net.WebSockets;
using System.Text;
using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Observability;

[Collection(PostgresTopologyCollection.Name)]
public sealed class MetricsTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_of_gateways_and_silos_show_agents_tunnels_requests_cable_streams_and_grain_activations()
    {
        await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(30));
        await using (var load = new LoadGenerator(fixture.Readiness, fixture.Agents.Names, workers: 2))
        {
            await load.WaitForSuccessesAsync(DateTime.UtcNow, 40, TimeSpan.FromSeconds(30));
        }

        // An agent with a cluster behind it publishes views to streams; a cable subscriber is counted where it is connected.
        var viewer = "metrics-" + Guid.NewGuid().ToString("N")[..6];
        await using var cluster = await EmulatedClusterAgent.StartAsync(viewer, await AgentRegistration.RegisterAsync(fixture.Api, viewer), fixture.Balancer.Url);
        await WaitForViewAsync(viewer);
        var cableGateway = fixture.Cluster.Gateways[0];
        using var cable = await OpenCableAsync(cableGateway.Endpoint.HttpUrl);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var gateways = new List<PrometheusText>();
        foreach (var gateway in fixture.Cluster.Gateways)
        {
            gateways.Add(new PrometheusText(await http.GetStringAsync(new Uri(gateway.Endpoint.HttpUrl, "/metrics"))));
        }

        var silos = new List<PrometheusText>();
        foreach (var silo in fixture.Cluster.Silos)
        {
            silos.Add(new PrometheusText(await http.GetStringAsync(new Uri(silo.HttpUrl, "/metrics"))));
        }

        output.WriteLine("gateway series: " + string.Join(", ", gateways[0].Names.Where(n => n.StartsWith("plural_", StringComparison.Ordinal))));
        output.WriteLine("silo series: " + string.Join(", ", silos[0].Names.Where(n => n.StartsWith("orleans_", StringComparison.Ordinal))));

        Assert.Equal(fixture.Agents.Names.Count + 1, gateways.Sum(g => g.Sum("plural_gateway_agents_connected")));
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnels_idle")) >= fixture.Agents.Names.Count);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_requests_total", "status=\"200\"")) >= 40);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_request_duration_seconds_count")) >= 40);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_request_duration_seconds_bucket", "le=\"+Inf\"")) >= 40);
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_tunnel_bytes_total", "direction=\"from_agent\"")) > 40 * "echo /echo/load".Length);
        Assert.True(gateways[fixture.Cluster.Gateways.IndexOf(cableGateway)].Sum("plural_gateway_cable_connections") >= 1, "the cable subscriber is not counted");
        Assert.True(gateways.Sum(g => g.Sum("plural_gateway_stream_messages_published_total", "stream=\"cluster-views\"")) >= 1, "no view published to a stream");
        Assert.All(gateways, g => Assert.Equal(0, g.Sum("plural_gateway_draining")));
        Assert.True(silos.Sum(s => s.Sum("orleans_catalog_activations")) >= fixture.Agents.Names.Count, "fewer grain activations than agents reported by the silos");
        Assert.Contains(silos, s => s.Names.Any(n => n.StartsWith("orleans_messaging", StringComparison.Ordinal)));
    }

    private async Task WaitForViewAsync(string agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await fixture.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = agent })).View is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no view of {agent} within 60 s");
            await Task.Delay(250);
        }
    }

    /// <summary>An ActionCable connection with the admin token, once the gateway welcomed it.</summary>
    private static async Task<ClientWebSocket> OpenCableAsync(Uri gateway)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("actioncable-v1-json");
        var url = new UriBuilder(gateway) { Scheme = "ws", Path = "/cable", Query = "token=" + TopologyCluster.AdminToken }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(url, timeout.Token);
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Contains("welcome", Encoding.UTF8.GetString(buffer, 0, first.Count));
        return socket;
    }
}
