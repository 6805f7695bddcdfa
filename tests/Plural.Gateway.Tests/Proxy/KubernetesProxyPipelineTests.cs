using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Plural.Gateway.Proxy;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>
/// The order of the Kubernetes proxy's steps as a caller sees it: authenticate, audit, authorize, limit, deadline,
/// forward. Each test refuses at one step and shows which of the others did or did not run.
/// </summary>
public sealed class KubernetesProxyPipelineTests : IAsyncLifetime
{
    private const string Agent = "prod", Pods = "/k8s-proxy/prod/api/v1/namespaces/default/pods";
    private ProxyHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_unknown_caller_is_refused_before_it_is_audited_limited_or_forwarded()
    {
        // The agent's only slot is taken, so a limit checked first would answer 429.
        var (holding, _) = await HoldTheAgentsOnlySlotAsync();
        var agent = _host.Park(Agent, new FakeAgent().Answer("never sent"));

        using var response = await SendAsync(HttpMethod.Get, Pods, "not-a-known-token");

        await AssertStatusAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", "unknown credential");
        await ProxyHost.EventuallyAsync(() => _host.Measured.Contains((KubernetesProxyEndpoint.RouteName, 401)));
        Assert.DoesNotContain(_host.Audited, e => (int)e["Status"]! == 401);
        Assert.False(agent.SawRequest);
        holding.End();
    }

    [Fact]
    public async Task A_caller_refused_the_agent_is_audited_but_not_kept_for_that_agent()
    {
        var agent = _host.Park(Agent, new FakeAgent().Answer("never sent"));

        using var response = await SendAsync(HttpMethod.Get, Pods, ProxyHost.Jwt("alice", "staging"));

        await AssertStatusAsync(response, HttpStatusCode.Forbidden, "Forbidden", "user \"alice\" may not access agent \"prod\"");
        await ProxyHost.EventuallyAsync(() => _host.Audited.Count == 1);
        var audited = _host.Audited.Single();
        Assert.Equal(("alice", Agent, 403, "list", "pods"), ((string)audited["User"]!, (string)audited["AgentName"]!, (int)audited["Status"]!,
            (string)audited["Verb"]!, (string)audited["Resource"]!));
        Assert.Single(_host.Logs.WithEventId(4201));
        // A made-up agent name must not create audit state for that agent.
        Assert.False(_host.AuditTrail.Buffered.TryRead(out _));
        Assert.False(agent.SawRequest);
    }

    [Fact]
    public async Task The_limit_is_taken_after_authorization_and_given_back_when_the_response_body_ends()
    {
        var (holding, first) = await HoldTheAgentsOnlySlotAsync();

        using var forbidden = await SendAsync(HttpMethod.Get, Pods, ProxyHost.Jwt("alice", "staging"));
        using var impersonating = await SendAsync(HttpMethod.Get, Pods, ProxyHost.AdminToken, ("Impersonate-User", "bob"));
        using var limited = await SendAsync(HttpMethod.Get, Pods, ProxyHost.AdminToken);

        await AssertStatusAsync(forbidden, HttpStatusCode.Forbidden, "Forbidden", "user \"alice\" may not access agent \"prod\"");
        await AssertStatusAsync(impersonating, HttpStatusCode.BadRequest, "BadRequest",
            "agent \"prod\" chooses the identity itself; Impersonate-* headers (kubectl --as) are not allowed");
        await AssertStatusAsync(limited, (HttpStatusCode)429, "TooManyRequests", "agent \"prod\" has 1 requests in flight on this gateway, the most allowed");
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());

        holding.Body("and the rest").End();
        Assert.Equal("first part, and the rest", await first.Content.ReadAsStringAsync());
        first.Dispose();
        var next = _host.Park(Agent, new FakeAgent().Answer("second"));
        await ProxyHost.EventuallyAsync(() => _host.Audited.Any(e => (int)e["Status"]! == 200));
        using var after = await SendAsync(HttpMethod.Get, Pods, ProxyHost.AdminToken);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("second", await after.Content.ReadAsStringAsync());
        Assert.True(next.SawRequest);
        // Every refusal after authentication is in the trail.
        await ProxyHost.EventuallyAsync(() => _host.Audited.Count == 5);
        Assert.Equal([200, 200, 400, 403, 429], _host.Audited.Select(e => (int)e["Status"]!).Order());
    }

    [Fact]
    public async Task Body_bytes_are_counted_once_and_metrics_and_audit_read_the_same_counts()
    {
        var agent = _host.Park(Agent, new FakeAgent().Answer("created!"));

        using var response = await SendAsync(HttpMethod.Post, Pods, ProxyHost.AdminToken, body: "{\"kind\":\"Pod\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("created!", await response.Content.ReadAsStringAsync());
        Assert.Equal(Pods["/k8s-proxy/prod".Length..], (await agent.Request).Path);
        await ProxyHost.EventuallyAsync(() => _host.Measured.Contains((KubernetesProxyEndpoint.RouteName, 200)) && _host.Audited.Count == 1);
        var audited = _host.Audited.Single();
        Assert.Equal(("create", 14L, 8L), ((string)audited["Verb"]!, (long)audited["BytesIn"]!, (long)audited["BytesOut"]!));
        Assert.Equal(14, _host.MeasuredBytes("to_agent"));
        Assert.Equal(8, _host.MeasuredBytes("from_agent"));
    }

    /// <summary>A request the agent has started to answer and not finished, which holds the agent's only slot.</summary>
    private async Task<(FakeAgent Agent, HttpResponseMessage Response)> HoldTheAgentsOnlySlotAsync()
    {
        var agent = _host.Park(Agent, new FakeAgent().Head(200).Body("first part, "));
        using var request = Request(HttpMethod.Get, Pods, ProxyHost.AdminToken);
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (agent, response);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, (string Name, string Value)? header = null, string? body = null)
    {
        var request = Request(method, path, token);
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        return _host.Client.SendAsync(request);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token) =>
        new(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    internal static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode code, string reason, string message)
    {
        Assert.Equal(code, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(reason, status.RootElement.GetProperty("reason").GetString());
        Assert.Equal(message, status.RootElement.GetProperty("message").GetString());
        Assert.Equal((int)code, status.RootElement.GetProperty("code").GetInt32());
    }
}
