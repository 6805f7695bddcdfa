using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Peers;

namespace Plural.EndToEnd.Tests.Tunnels;

[Collection(PlatformCollection.Name)]
public sealed class CrossGatewayTests(PlatformFixture platform) : IAsyncLifetime
{
    private const string PeerGateway = "some-other-gateway";
    private readonly List<AgentProcess> _agents = [];

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
        using var request = ForwardedRequest(agent.Name, "/echo/loop", SignedToken(agent.Name, "/echo/loop"));

        using var response = await client.SendAsync(request);

        // The extra gateway has no tunnel for the agent and must not hop again: it waits a moment for one, then sends the
        // request back to the peer that forwarded it, marked so that the peer routes it elsewhere.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Plural-Agent-Not-Here"), "the refusal is not marked for the forwarding peer");
        Assert.Equal("ServiceUnavailable", await ReasonAsync(response));
    }

    [Fact]
    public async Task A_forwarded_request_for_an_agent_connected_nowhere_is_sent_back_saying_when_it_was_last_seen()
    {
        // The forwarding gateway went by a memory of the agent's lease that was stale: the agent had just gone. A request
        // with a body cannot be sent elsewhere, so its caller reads this answer.
        var agent = await platform.RegisterAgentAsync("justgone");
        var agentProcess = await platform.StartAgentAsync(agent);
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));
        await agentProcess.DisposeAsync();
        await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected, TimeSpan.FromSeconds(10));

        using var response = await platform.Http.SendAsync(ForwardedRequest(agent.Name, "/echo/gone", SignedToken(agent.Name, "/echo/gone")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Plural-Agent-Not-Here"), "the refusal is not marked for the forwarding peer");
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith($"agent \"{agent.Name}\" is not connected (last seen 20", status.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_forwarded_request_is_sent_back_within_what_is_left_of_the_forwarding_gateways_wait()
    {
        var agent = await platform.RegisterAgentAsync("budget");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, httpUrl, _) = await platform.StartExtraGatewayAsync();
        await using var __ = gateway;
        using var client = new HttpClient { BaseAddress = httpUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = ForwardedRequest(agent.Name, "/echo/budget", SignedToken(agent.Name, "/echo/budget"));
        // The forwarding gateway's caller gives up soon; without this the extra gateway holds the request for its 2 s.
        request.Headers.Add("Plural-Wait-Budget-Ms", "100");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        var took = clock.Elapsed;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Plural-Agent-Not-Here"), "the refusal is not marked for the forwarding peer");
        Assert.True(took < TimeSpan.FromSeconds(1.5), $"the refusal took {took}");
    }

    [Fact]
    public async Task A_forwarded_request_with_the_admin_token_instead_of_a_peer_token_is_unauthorized()
    {
        var agent = await ConnectedAgentAsync("peeradmin");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agents/{agent}/proxy/echo/admin");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AdminToken);
        request.Headers.Add("X-Plural-Forwarded-By", "some-other-gateway");

        using var response = await platform.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", await ReasonAsync(response));
    }

    [Fact]
    public async Task A_peer_token_signed_with_another_secret_is_forbidden()
    {
        var agent = await ConnectedAgentAsync("peerforged");
        var forged = SignedToken(agent, "/echo/forged", secret: "not-the-deployments-peer-secret-0123456789");

        using var response = await platform.Http.SendAsync(ForwardedRequest(agent, "/echo/forged", forged));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not issued for this request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_peer_token_signed_for_another_path_is_forbidden()
    {
        var agent = await ConnectedAgentAsync("peerswap");
        var forOtherPath = SignedToken(agent, "/echo/harmless");

        using var swapped = await platform.Http.SendAsync(ForwardedRequest(agent, "/echo/secret", forOtherPath));
        using var original = await platform.Http.SendAsync(ForwardedRequest(agent, "/echo/harmless", forOtherPath));

        Assert.Equal(HttpStatusCode.Forbidden, swapped.StatusCode);
        // The same token on the request it was signed for goes through: the refusal was about the path.
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
    }

    [Fact]
    public async Task An_expired_peer_token_is_unauthorized()
    {
        var agent = await ConnectedAgentAsync("peerexpired");
        var expired = SignedToken(agent, "/echo/late", issued: DateTimeOffset.UtcNow.AddMinutes(-5));

        using var response = await platform.Http.SendAsync(ForwardedRequest(agent, "/echo/late", expired));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
    }

    private async Task<string> ConnectedAgentAsync(string prefix)
    {
        var agent = await platform.RegisterAgentAsync(prefix);
        _agents.Add(await platform.StartAgentAsync(agent));
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));
        return agent.Name;
    }

    private static string SignedToken(string agent, string path, string secret = PlatformFixture.PeerSecret, DateTimeOffset? issued = null)
    {
        var from = issued ?? DateTimeOffset.UtcNow;
        var request = new PeerRequest(PeerGateway, agent, "GET", path, "upstream", null, []);
        return PeerToken.Sign(Encoding.UTF8.GetBytes(secret), request, from, from.AddSeconds(30));
    }

    private static HttpRequestMessage ForwardedRequest(string agent, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/agents/{agent}/proxy{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue(PeerToken.Scheme, token);
        request.Headers.Add("X-Plural-Forwarded-By", PeerGateway);
        return request;
    }

    private static async Task<string?> ReasonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
    }
}
