using System.Net;
using System.Net.Http.Headers;
using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;

namespace Plural.Topology.Tests.Connection;

/// <summary>The agent program, as a process, finds its proxy in <c>HTTPS_PROXY</c> the way corporate networks set it.</summary>
[Collection(PostgresTopologyCollection.Name)]
public sealed class AgentProxyEnvironmentTests(PostgresTopologyFixture fixture)
{
    [Fact]
    public async Task Agent_process_reaches_a_tls_gateway_through_the_proxy_named_in_https_proxy()
    {
        var files = Directory.CreateTempSubdirectory("topology-tls-");
        var (certificate, key) = SelfSignedCertificate.Write(files.FullName);
        var agentPort = FreePort.Next();
        var gateway = await fixture.Cluster.StartGatewayAsync("gw-tls", inRotation: false,
            $"--Gateway:AgentListenUrl=https://127.0.0.1:{agentPort}", $"--Gateway:TlsCertificateFile={certificate}", $"--Gateway:TlsKeyFile={key}");
        await using var proxy = new ConnectProxy("corp", "s3cret");
        var name = "envproxy-" + Guid.NewGuid().ToString("N")[..6];
        var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
        var proxyUrl = $"http://corp:s3cret@127.0.0.1:{proxy.Port}";
        var agent = ProductProcess.Start("AgentK",
        [
            $"--Agent:GatewayUrl=https://127.0.0.1:{agentPort}",
            $"--Agent:GatewayCaFile={certificate}",
            $"--Agent:Upstream:Url={fixture.Upstream.Url}",
            "--Agent:Cache:Enabled=false",
            $"--Agent:ObservabilityUrl=http://127.0.0.1:{FreePort.Next()}",
        ], "agent " + name, environment: new Dictionary<string, string>
        {
            ["AGENTK_TOKEN"] = token,
            ["HTTPS_PROXY"] = proxyUrl,
            ["https_proxy"] = proxyUrl,
            // The machine's own settings must not let the agent bypass the proxy.
            ["NO_PROXY"] = "",
            ["no_proxy"] = "",
        });
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await fixture.Api.GetAgentAsync(new GetAgentRequest { Name = name })).Status.Connected)
            {
                Assert.False(agent.HasExited, $"the agent exited: {agent.Output}");
                Assert.True(DateTime.UtcNow < deadline, $"agent {name} did not connect through the proxy: {agent.Output}");
                await Task.Delay(250);
            }

            using var http = new HttpClient { BaseAddress = gateway.Endpoint.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TopologyCluster.AdminToken);
            using var response = await http.GetAsync($"/agents/{name}/proxy/echo/through-https-proxy");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("echo /echo/through-https-proxy", await response.Content.ReadAsStringAsync());
            Assert.Contains(proxy.Requests, r => r.Target == $"127.0.0.1:{agentPort}" && r.Status == 200);
        }
        finally
        {
            await agent.DisposeAsync();
            await fixture.Cluster.StopGatewayAsync(gateway, kill: true);
            files.Delete(recursive: true);
        }
    }
}
