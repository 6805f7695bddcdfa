using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plural.AgentK.Transport;
using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;

namespace Plural.Topology.Tests.Connection;

[Collection(PostgresTopologyCollection.Name)]
public sealed class AgentProxyTests(PostgresTopologyFixture fixture)
{
    [Fact]
    public async Task Agent_reaches_the_gateway_through_an_http_connect_proxy_with_credentials()
    {
        await using var proxy = new ConnectProxy("corp", "s3cret");
        var gateway = fixture.Cluster.Gateways[0].Endpoint;
        var name = "proxied-" + Guid.NewGuid().ToString("N")[..6];
        var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
        using var agent = AgentFleet.BuildAgent(name, token, gateway.AgentUrl, fixture.Upstream.Url,
            new Dictionary<string, string?> { ["Agent:Proxy"] = $"http://corp:s3cret@127.0.0.1:{proxy.Port}" });
        await agent.StartAsync();
        try
        {
            await WaitConnectedAsync(name);
            using var http = new HttpClient { BaseAddress = gateway.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TopologyCluster.AdminToken);

            using var response = await http.GetAsync($"/agents/{name}/proxy/echo/through-proxy");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("echo /echo/through-proxy", await response.Content.ReadAsStringAsync());
            Assert.Contains(proxy.Requests, r => r.Target == $"127.0.0.1:{gateway.AgentUrl.Port}" && r.Status == 200);
        }
        finally
        {
            await agent.StopAsync();
        }
    }

    [Fact]
    public async Task Agent_with_wrong_proxy_credentials_stays_disconnected_and_keeps_trying()
    {
        await using var proxy = new ConnectProxy("corp", "s3cret");
        var gateway = fixture.Cluster.Gateways[0].Endpoint;
        var name = "badproxy-" + Guid.NewGuid().ToString("N")[..6];
        var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
        using var agent = AgentFleet.BuildAgent(name, token, gateway.AgentUrl, fixture.Upstream.Url,
            new Dictionary<string, string?> { ["Agent:Proxy"] = $"http://corp:wrong@127.0.0.1:{proxy.Port}" });
        await agent.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (proxy.Requests.Count(r => r.Status == 407) < 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.True(proxy.Requests.Count(r => r.Status == 407) >= 2, "the agent did not retry through the proxy");
            Assert.False((await fixture.Api.GetAgentAsync(new GetAgentRequest { Name = name })).Status.Connected);
        }
        finally
        {
            await agent.StopAsync();
        }
    }

    [Fact]
    public void Proxy_comes_from_the_environment_unless_no_proxy_names_the_gateway_or_the_setting_says_direct()
    {
        var environment = new Dictionary<string, string?> { ["HTTPS_PROXY"] = "proxy.corp:3128", ["http_proxy"] = "http://plain.corp:8080", ["NO_PROXY"] = "localhost,.internal" };
        string? Env(string key) => environment.GetValueOrDefault(key);

        Assert.Equal(new Uri("http://proxy.corp:3128"), GatewayProxy.Resolve("https://gw.example.com", null, Env));
        Assert.Equal(new Uri("http://plain.corp:8080"), GatewayProxy.Resolve("http://gw.example.com", null, Env));
        Assert.Null(GatewayProxy.Resolve("https://gw.cluster.internal", null, Env));
        Assert.Null(GatewayProxy.Resolve("https://localhost:8150", null, Env));
        Assert.Null(GatewayProxy.Resolve("https://gw.example.com", GatewayProxy.Direct, Env));
        Assert.Equal(new Uri("http://explicit:1"), GatewayProxy.Resolve("https://gw.example.com", "http://explicit:1", Env));
        Assert.NotNull(GatewayProxy.Problem("https://tls-proxy:443"));
        Assert.NotNull(GatewayProxy.Problem("not a url at all"));
    }

    [Fact]
    public async Task Agent_refuses_to_start_with_a_proxy_that_is_not_an_http_url()
    {
        using var agent = AgentFleet.BuildAgent("never", "token", new Uri("http://127.0.0.1:1"), fixture.Upstream.Url,
            new Dictionary<string, string?> { ["Agent:Proxy"] = "socks5://127.0.0.1:1080" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => agent.StartAsync());

        Assert.Contains("Agent:Proxy", error.Message);
    }

    private async Task WaitConnectedAsync(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await fixture.Api.GetAgentAsync(new GetAgentRequest { Name = name })).Status.Connected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"agent {name} did not connect through the proxy");
            await Task.Delay(200);
        }
    }
}
