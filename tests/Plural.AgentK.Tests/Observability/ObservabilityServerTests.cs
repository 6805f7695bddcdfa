using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Observability;
using Plural.AgentK.Tests.Infrastructure;

namespace Plural.AgentK.Tests.Observability;

public sealed class ObservabilityServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Readyz_and_status_follow_the_session()
    {
        var gateway = await FakeGateway.StartAsync(gatewayId: "gateway-obs");
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s => s["Agent:ObservabilityUrl"] = "http://127.0.0.1:0");
        var address = agent.Services.GetRequiredService<ObservabilityServer>().Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        await Eventually.HoldsAsync(() => agent.Status.Snapshot().IdleTunnels == 2, Timeout, "the pool");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        var status = await http.GetFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>("/status");
        Assert.True(status!["connected"].GetBoolean());
        Assert.Equal("gateway-obs", status["gatewayId"].GetString());
        Assert.Equal("agent-42", status["agentId"].GetString());
        Assert.Equal(2, status["idleTunnels"].GetInt32());
        Assert.Equal(0, status["activeTunnels"].GetInt32());
        Assert.Equal(2, status["totalTunnels"].GetInt32());

        await gateway.DisposeAsync();
        await Eventually.HoldsAsync(() => !agent.Status.IsConnected, Timeout, "disconnected");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Metrics_show_the_build_the_session_and_the_tunnels()
    {
        var gateway = await FakeGateway.StartAsync(gatewayId: "gateway-metrics");
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s => s["Agent:ObservabilityUrl"] = "http://127.0.0.1:0");
        var address = agent.Services.GetRequiredService<ObservabilityServer>().Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout };
        await Eventually.HoldsAsync(() => agent.Status.Snapshot().IdleTunnels == 2, Timeout, "the pool");

        var metrics = await http.GetStringAsync("/metrics");

        Assert.Matches(@"plural_build_info\{[^}]*version=""\d+\.\d+\.\d+""[^}]*\} 1", metrics);
        Assert.Contains("plural_agent_connected 1", metrics);
        Assert.Matches(@"plural_agent_tunnels\{[^}]*state=""idle""[^}]*\} 2", metrics);
        await gateway.DisposeAsync();
    }
}
