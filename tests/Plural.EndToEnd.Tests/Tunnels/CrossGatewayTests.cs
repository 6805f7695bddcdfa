using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Tunnels;

[Collection(PlatformCollection.Name)]
public sealed class CrossGatewayTests(PlatformFixture platform)
{
    [Fact]
    public async Task Request_reaching_a_gateway_without_the_agent_is_carried_to_the_agents_gateway()
    {
        var agent = await platform.RegisterAgentAsync("elsewhere");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));
        var (gateway, httpUrl, extraId) = await platform.StartExtraGatewayAsync();
        await using var _ = gateway;
        using var client = new HttpClient { BaseAddress = httpUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AdminToken);

        using var response = await client.PostAsync($"/agents/{agent.Name}/proxy/echo/hop?q=1",
            new StringContent("across gateways", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("across gateways", await response.Content.ReadAsStringAsync());
        Assert.Equal("?q=1", response.Headers.GetValues("X-Upstream-Query").Single());
        var status = await platform.Api.GetAgentAsync(new() { Name = agent.Name });
        Assert.DoesNotContain(status.Status.Connections, c => c.GatewayId == extraId);
    }

    [Fact]
    public async Task Forwarded_request_is_never_forwarded_again()
    {
        var agent = await platform.RegisterAgentAsync("noloop");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, httpUrl, _) = await platform.StartExtraGatewayAsync();
        await using var __ = gateway;
        using var client = new HttpClient { BaseAddress = httpUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agents/{agent.Name}/proxy/echo/loop");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AdminToken);
        request.Headers.Add("X-Plural-Forwarded-By", "some-other-gateway");

        using var response = await client.SendAsync(request);

        // The extra gateway has no tunnel for the agent and must not hop again: it waits, then says so.
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("Timeout", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }
}
