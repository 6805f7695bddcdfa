using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>User access through <c>/k8s-proxy/{agent}</c>: user tokens, impersonation, refusals, upgrades.</summary>
[Collection(PlatformCollection.Name)]
public sealed class KubernetesProxyTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_user_token_reaches_its_agent_through_another_gateway_as_the_impersonated_user()
    {
        var agent = await platform.RegisterAgentAsync("k8s-user");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, httpUrl, _) = await platform.StartExtraGatewayAsync();
        await using var _ = gateway;
        var issued = await IssueAsync("alice", ["team-a", "oncall"], agent.Name);
        using var client = Client(httpUrl, issued.Token);

        using var response = await client.GetAsync($"/k8s-proxy/{agent.Name}/echo/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = platform.Upstream.SeenHeaders.Last();
        Assert.Equal("plural:user:alice", seen["Impersonate-User"].ToString());
        // One header line per group, as Kubernetes requires.
        Assert.Equal(["plural:user", "team-a", "oncall"], seen["Impersonate-Group"].Select(g => g ?? "").ToArray());
        Assert.False(seen.ContainsKey("Authorization"));
        Assert.DoesNotContain(seen.Keys, k => k.StartsWith("Plural-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Tokens_are_refused_for_other_agents_unknown_agents_and_after_revocation()
    {
        var agent = await platform.RegisterAgentAsync("k8s-refuse");
        var other = await platform.RegisterAgentAsync("k8s-other");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var issued = await IssueAsync("bob", [], agent.Name);
        using var client = Client(platform.HttpUrl, issued.Token);

        var forbidden = await StatusOfAsync(client, $"/k8s-proxy/{other.Name}/echo/x");
        var allowed = await StatusOfAsync(client, $"/k8s-proxy/{agent.Name}/echo/x");
        using var everything = Client(platform.HttpUrl, (await IssueAsync("carol", [], "*")).Token);
        var unknown = await StatusOfAsync(everything, "/k8s-proxy/no-such-agent/api");
        await platform.Api.RevokeUserTokenAsync(new RevokeUserTokenRequest { TokenId = issued.Info.TokenId });
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the gateways' token cache time in this fixture is 0.5 s
        var revoked = await StatusOfAsync(client, $"/k8s-proxy/{agent.Name}/echo/x");
        using var stranger = Client(platform.HttpUrl, "plrl_user_0123456789abcdef_not-a-real-secret-at-all");
        var unknownToken = await StatusOfAsync(stranger, $"/k8s-proxy/{agent.Name}/echo/x");

        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden"), forbidden);
        Assert.Equal(HttpStatusCode.OK, allowed.Code);
        Assert.Equal((HttpStatusCode.NotFound, "NotFound"), unknown);
        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized"), revoked);
        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized"), unknownToken);
    }

    [Fact]
    public async Task Callers_may_impersonate_only_when_the_agent_uses_its_own_service_account()
    {
        var agent = await platform.RegisterAgentAsync("k8s-sa");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        using var client = Client(platform.HttpUrl, (await IssueAsync("dave", [], agent.Name)).Token);
        client.DefaultRequestHeaders.Add("Impersonate-User", "someone-else");

        var refused = await StatusOfAsync(client, $"/k8s-proxy/{agent.Name}/echo/x");
        await platform.Api.SetAgentAccessAsync(new SetAgentAccessRequest
        {
            Access = new AgentAccess { Name = agent.Name, Mode = ClusterIdentityMode.AgentServiceAccount },
        });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var passed = await StatusOfAsync(client, $"/k8s-proxy/{agent.Name}/echo/x");

        Assert.Equal((HttpStatusCode.BadRequest, "BadRequest"), refused);
        Assert.Equal(HttpStatusCode.OK, passed.Code);
        Assert.Equal("someone-else", platform.Upstream.SeenHeaders.Last()["Impersonate-User"].ToString());
    }

    [Fact]
    public async Task A_websocket_upgrade_crosses_both_gateways_and_the_agent_in_both_directions()
    {
        var agent = await platform.RegisterAgentAsync("k8s-ws");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, httpUrl, _) = await platform.StartExtraGatewayAsync();
        await using var _ = gateway;
        var issued = await IssueAsync("erin", [], agent.Name);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + issued.Token);
        socket.Options.AddSubProtocol("echo.v1");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(new Uri($"ws://{httpUrl.Authority}/k8s-proxy/{agent.Name}/ws-echo"), timeout.Token);
        var replies = new List<string>();
        foreach (var message in new[] { "hello", "again" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            replies.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("echo.v1", socket.SubProtocol);
        Assert.Equal(["plural:user:erin: hello", "plural:user:erin: again"], replies);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task A_stream_through_another_gateway_ends_with_an_error_when_the_agents_gateway_dies_and_a_new_one_works()
    {
        var agent = await platform.RegisterAgentAsync("k8s-watch");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, httpUrl, _) = await platform.StartExtraGatewayAsync();
        await using var _ = gateway;
        using var client = Client(httpUrl, (await IssueAsync("frank", [], agent.Name)).Token);
        using var response = await client.GetAsync($"/k8s-proxy/{agent.Name}/stream", HttpCompletionOption.ResponseHeadersRead);
        var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("first", await body.ReadLineAsync());

        await platform.RestartGatewayAsync();
        var ending = Record.ExceptionAsync(async () => await body.ReadToEndAsync());

        var error = await ending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(error);
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(30));
        using var again = await client.GetAsync($"/k8s-proxy/{agent.Name}/echo/after", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private async Task<IssueUserTokenResponse> IssueAsync(string user, string[] groups, string agent) =>
        await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = user, Groups = { groups }, Agents = { agent } });

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(HttpStatusCode Code, string? Reason)> StatusOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("reason").GetString());
    }
}
