using System.Net.WebSockets;
using System.Text;
using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Observability;

[Collection(PostgresTopologyCollection.Name)]
public sealed class MetricsTests(PostgresTopologyFixture fixture, ITestOutputHelper output)
{
    // Nothing listens on the discard port: every poll of it fails at once.
    private const string UnreachableRepository = "http://127.0.0.1:9/metrics-config.git";

    [Fact]
    public async Task Metrics_of_gateways_and_silos_show_agents_tunnels_requests_cable_streams_grain_activations_and_git_polls()
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

        // Repository pollers run on the silos: one polls a repository that answers, one a remote that never does.
        var reading = "metrics-git-" + Guid.NewGuid().ToString("N")[..6];
        using var repository = await LocalGitRepository.CreateAsync(new Dictionary<string, string>
        {
            [$".plural/agents/{reading}/config.yaml"] = "cache:\n  kinds: [pods]\n",
        });
        await AgentRegistration.RegisterAsync(fixture.Api, reading);
        var read = await AgentConfigSources.SetAsync(fixture.Api, reading, repository.Path, "main");
        Assert.True(read.RepositoryError == "", $"the local repository was not read: {read.RepositoryError}");
        var failing = "metrics-nogit-" + Guid.NewGuid().ToString("N")[..6];
        await AgentRegistration.RegisterAsync(fixture.Api, failing);
        var failed = await AgentConfigSources.SetAsync(fixture.Api, failing, UnreachableRepository, "main");
        Assert.NotEqual("", failed.RepositoryError);

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
        output.WriteLine("git series: " + string.Join(", ", silos.SelectMany(s => s.Names).Where(n => n.StartsWith("plural_git_", StringComparison.Ordinal)).Distinct()));

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
        // Every process says which build it runs.
        Assert.All(gateways.Concat(silos), p => Assert.Equal(1, p.Sum("plural_build_info")));

        // Each poller counts on the silo that hosts it; earlier tests may have left pollers of their own.
        var changed = silos.Sum(s => s.Sum("plural_git_polls_total", "result=\"changed\""));
        var failedPolls = silos.Sum(s => s.Sum("plural_git_polls_total", "result=\"failed\""));
        output.WriteLine($"git polls: {changed} changed, {silos.Sum(s => s.Sum("plural_git_polls_total", "result=\"unchanged\""))} unchanged, {failedPolls} failed");
        Assert.True(changed >= 1, "the first poll of the local repository is not counted as changed");
        Assert.True(failedPolls >= 1, "the poll of the unreachable repository is not counted as failed");
        Assert.True(silos.Sum(s => s.Sum("plural_git_fetches_total", "result=\"ok\"")) >= 1, "the fetch of the new commit is not counted");
        var timed = silos.Sum(s => s.Sum("plural_git_poll_duration_seconds_count"));
        Assert.True(timed >= changed + failedPolls, $"{timed} poll durations for {changed + failedPolls} polls");
        Assert.Equal(timed, silos.Sum(s => s.Sum("plural_git_poll_duration_seconds_bucket", "le=\"+Inf\"")));
        Assert.InRange(silos.Sum(s => s.Sum("plural_git_poll_duration_seconds_sum")) / timed, 0, 30);
        Assert.True(silos.Sum(s => s.Sum("plural_git_pollers_active")) >= 2, "the two watched pollers are not counted as active");
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
