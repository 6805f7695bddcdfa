using System.Net;
using System.Net.Http.Headers;
using Plural.Gateway.Proxy;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>The agent proxy's shorter pipeline: measure, authenticate an operator or a peer, audit operators, forward.</summary>
public sealed class AgentProxyPipelineTests : IAsyncLifetime
{
    private ProxyHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyHost.StartAsync(new() { [$"{AdminProxyOptions.Section}:Enabled"] = "true" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_credential_is_forwarded_as_the_agent_itself_and_audited_under_its_name()
    {
        var agent = _host.Park("prod", new FakeAgent().Answer("raw"));

        using var wrong = await SendAsync("not-the-admin-token");
        using var right = await SendAsync(ProxyHost.AdminToken);

        await KubernetesProxyPipelineTests.AssertStatusAsync(wrong, HttpStatusCode.Unauthorized, "Unauthorized", "missing or wrong bearer token");
        Assert.Equal("raw", await right.Content.ReadAsStringAsync());
        var head = await agent.Request;
        Assert.Equal("/api/v1/pods", head.Path);
        Assert.Null(head.Impersonation);
        await ProxyHost.EventuallyAsync(() => _host.Measured.Count == 2);
        Assert.Equal([(AgentProxyEndpoint.RouteName, 200), (AgentProxyEndpoint.RouteName, 401)], _host.Measured.Order());
        await ProxyHost.EventuallyAsync(() => _host.Audited.Count == 1);
        var audited = _host.Audited.Single();
        Assert.Equal(("admin", "prod", 200, "list", "pods"), ((string)audited["User"]!, (string)audited["AgentName"]!, (int)audited["Status"]!,
            (string)audited["Verb"]!, (string)audited["Resource"]!));
        // Who: an admin credential, on the raw route; as whom: the agent's own service account.
        Assert.Equal(("admin", AgentProxyEndpoint.RouteName, "AgentServiceAccount", 3L), ((string)audited["CallerKind"]!, (string)audited["Route"]!,
            (string)audited["ClusterIdentityMode"]!, (long)audited["BytesOut"]!));
    }

    [Fact]
    public async Task Where_the_route_is_off_for_admins_an_admin_credential_is_forbidden()
    {
        await using var production = await ProxyHost.StartAsync();
        var agent = production.Park("prod", new FakeAgent().Answer("raw"));

        using var response = await production.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/agents/prod/proxy/api/v1/pods")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ProxyHost.AdminToken) },
        });

        await KubernetesProxyPipelineTests.AssertStatusAsync(response, HttpStatusCode.Forbidden, "Forbidden",
            "the admin proxy route is off on this gateway (Gateway:AdminProxy:Enabled); reach clusters through /k8s-proxy as a user");
        Assert.False(agent.SawRequest);
    }

    [Fact]
    public async Task A_forwarded_request_needs_a_peer_token_even_with_the_admin_token()
    {
        var agent = _host.Park("prod", new FakeAgent().Answer("raw"));

        using var response = await SendAsync(ProxyHost.AdminToken, (PeerGatewayForwarder.ForwardedByHeader, "gateway-b"));

        await KubernetesProxyPipelineTests.AssertStatusAsync(response, HttpStatusCode.Unauthorized, "Unauthorized",
            "this gateway has no peer secret and accepts no forwarded requests");
        Assert.False(agent.SawRequest);
    }

    private Task<HttpResponseMessage> SendAsync(string token, (string Name, string Value)? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/agents/prod/proxy/api/v1/pods")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        };
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        return _host.Client.SendAsync(request);
    }
}
