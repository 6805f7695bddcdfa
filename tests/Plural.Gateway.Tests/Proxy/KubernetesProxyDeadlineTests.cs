using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Plural.Gateway.Proxy;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>The deadline step wraps the forward: an agent that never answers costs the caller the deadline, then a 504.</summary>
public sealed class KubernetesProxyDeadlineTests : IAsyncLifetime
{
    private ProxyHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyHost.StartAsync(new()
    {
        [$"{ProxyLimitOptions.Section}:{nameof(ProxyLimitOptions.RequestTimeout)}"] = "00:00:01",
        [$"{ProxyLimitOptions.Section}:{nameof(ProxyLimitOptions.RequestIdleTimeout)}"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_forward_the_agent_never_answers_ends_in_504_inside_the_limit_and_the_audit()
    {
        var silent = _host.Park("prod", new FakeAgent());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/k8s-proxy/prod/api/v1/pods")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ProxyHost.AdminToken) },
        };

        using var response = await _host.Client.SendAsync(request);

        Assert.True(silent.SawRequest);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Timeout", status.RootElement.GetProperty("reason").GetString());
        Assert.StartsWith("agent \"prod\" did not complete the request in time: ", status.RootElement.GetProperty("message").GetString());
        await ProxyHost.EventuallyAsync(() => _host.Audited.Count == 1);
        Assert.Equal(504, (int)_host.Audited.Single()["Status"]!);
        // The slot was given back after the 504: the next request is forwarded, not limited.
        _host.Park("prod", new FakeAgent().Answer("in time"));
        using var next = new HttpRequestMessage(HttpMethod.Get, "/k8s-proxy/prod/api/v1/pods")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ProxyHost.AdminToken) },
        };
        using var answered = await _host.Client.SendAsync(next);
        Assert.Equal("in time", await answered.Content.ReadAsStringAsync());
    }
}
