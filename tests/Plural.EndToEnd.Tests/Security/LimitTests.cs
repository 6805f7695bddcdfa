using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>
/// The gateway's abuse limits, each on a gateway started with a low setting, observed as a client observes them: a
/// Kubernetes Status with the right code, a gRPC ResourceExhausted, and normal service again once within the limit.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LimitTests(PlatformFixture platform)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_beyond_the_per_user_and_per_agent_limits_get_429_with_retry_after_and_slots_come_back()
    {
        var agent = await platform.RegisterAgentAsync("limit-conc");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync(
            "--Gateway:Limits:MaxConcurrentRequestsPerUser=2", "--Gateway:Limits:MaxConcurrentRequestsPerAgent=3");
        await using var _ = gateway;
        using var alice = await ClientAsync(httpUrl, "alice", agent.Name);
        using var bob = await ClientAsync(httpUrl, "bob", agent.Name);
        using var hanging = new CancellationTokenSource();
        var hangingBefore = platform.Upstream.Hanging;

        var held = new[] { alice, alice, bob }
            .Select(c => c.GetAsync($"/k8s-proxy/{agent.Name}/hang", HttpCompletionOption.ResponseHeadersRead, hanging.Token)).ToList();
        await UntilAsync(() => platform.Upstream.Hanging >= hangingBefore + 3, "three requests waiting at the upstream");
        using var aliceThird = await alice.GetAsync($"/k8s-proxy/{agent.Name}/echo/third");
        using var bobSecond = await bob.GetAsync($"/k8s-proxy/{agent.Name}/echo/second");
        await hanging.CancelAsync();
        await Task.WhenAll(held.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(("TooManyRequests", "1"), (await ReasonAsync(aliceThird, HttpStatusCode.TooManyRequests), aliceThird.Headers.RetryAfter?.ToString()));
        Assert.Contains("user \"alice\"", await MessageAsync(aliceThird));
        Assert.Equal("TooManyRequests", await ReasonAsync(bobSecond, HttpStatusCode.TooManyRequests));
        Assert.Contains($"agent \"{agent.Name}\"", await MessageAsync(bobSecond));
        await UntilAsync(async () => (await alice.GetAsync($"/k8s-proxy/{agent.Name}/echo/again")).StatusCode == HttpStatusCode.OK,
            "alice is served again once her requests ended");
    }

    [Fact]
    public async Task A_request_idle_too_long_gets_504_and_the_upstream_request_is_cancelled_but_a_follow_stream_is_not_cut()
    {
        var agent = await platform.RegisterAgentAsync("limit-idle");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync(
            "--Gateway:Limits:RequestIdleTimeout=00:00:02", "--Gateway:Limits:RequestTimeout=00:00:04");
        await using var _ = gateway;
        using var client = await ClientAsync(httpUrl, "carol", agent.Name);
        var id = Guid.NewGuid().ToString("N");
        using var follow = new CancellationTokenSource();

        var following = client.GetAsync($"/k8s-proxy/{agent.Name}/stream?follow=true", HttpCompletionOption.ResponseHeadersRead, follow.Token);
        using var idle = await client.GetAsync($"/k8s-proxy/{agent.Name}/hang?id={id}");

        Assert.Equal("Timeout", await ReasonAsync(idle, HttpStatusCode.GatewayTimeout));
        Assert.Contains("no data moved for 2s", await MessageAsync(idle));
        await UntilAsync(() => platform.Upstream.AbortedRequests.Contains(id), "the upstream request was cancelled");
        // The follow stream has outlived both timeouts by now and still delivers.
        using var followed = await following;
        var line = await new StreamReader(await followed.Content.ReadAsStreamAsync(follow.Token)).ReadLineAsync(follow.Token);
        Assert.Equal("first", line);
        Assert.False(following.IsFaulted);
        await follow.CancelAsync();
    }

    [Fact]
    public async Task A_request_body_trickling_past_the_total_timeout_gets_504()
    {
        var agent = await platform.RegisterAgentAsync("limit-total");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync(
            "--Gateway:Limits:RequestIdleTimeout=00:00:02", "--Gateway:Limits:RequestTimeout=00:00:03");
        await using var _ = gateway;
        var token = await TokenAsync("dan", agent.Name);
        using var timeout = new CancellationTokenSource(Eventually);
        using var connection = await RawHttpConnection.OpenAsync(httpUrl, timeout.Token);

        await connection.SendAsync($"POST /k8s-proxy/{agent.Name}/upload HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\n" +
            "Content-Length: 200\r\n\r\n", timeout.Token);
        var answer = connection.ReadUntilAsync("\r\n\r\n", timeout.Token);
        // One byte every 250 ms: never idle for the 2 s idle timeout, but far from done when the 3 s total runs out.
        while (!answer.IsCompleted)
        {
            try
            {
                await connection.SendAsync("x", timeout.Token);
            }
            catch (IOException)
            {
                break; // The gateway answered and closed; the answer is read below.
            }

            await Task.WhenAny(answer, Task.Delay(250, timeout.Token));
        }

        Assert.StartsWith("HTTP/1.1 504", await answer);
    }

    [Fact]
    public async Task Oversized_headers_get_431_and_oversized_bodies_413_and_the_gateway_keeps_serving()
    {
        var agent = await platform.RegisterAgentAsync("limit-size");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync(
            "--Gateway:Limits:MaxRequestHeaderBytes=4096", "--Gateway:Tunnels:MaxRequestBodyBytes=1000");
        await using var _ = gateway;
        using var client = await ClientAsync(httpUrl, "erin", agent.Name);

        using var bigHeader = new HttpRequestMessage(HttpMethod.Get, $"/k8s-proxy/{agent.Name}/echo/h");
        bigHeader.Headers.Add("X-Padding", new string('a', 8192));
        using var headerResponse = await client.SendAsync(bigHeader);
        using var bodyResponse = await client.PostAsync($"/k8s-proxy/{agent.Name}/upload", new ByteArrayContent(new byte[5000]));
        using var fine = await client.PostAsync($"/k8s-proxy/{agent.Name}/upload", new ByteArrayContent(new byte[500]));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headerResponse.StatusCode);
        Assert.Equal("RequestEntityTooLarge", await ReasonAsync(bodyResponse, HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task An_agent_token_opening_sessions_too_fast_is_refused_with_ResourceExhausted()
    {
        var agent = await platform.RegisterAgentAsync("limit-sessions");
        var (gateway, agentUrl, _) = await platform.StartGatewayWithAsync("--Gateway:Limits:MaxSessionsPerTokenPerMinute=3");
        await using var _ = gateway;
        using var raw = new RawAgent(agentUrl);
        using var timeout = new CancellationTokenSource(Eventually);

        for (var i = 0; i < 3; i++)
        {
            await raw.HelloAsync(agent.Token, timeout.Token);
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(agent.Token, timeout.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
    }

    [Fact]
    public async Task Tunnels_beyond_the_per_agent_limit_are_refused_with_ResourceExhausted()
    {
        var agent = await platform.RegisterAgentAsync("limit-tunnels");
        var (gateway, agentUrl, _) = await platform.StartGatewayWithAsync("--Gateway:Limits:MaxTunnelsPerAgent=2");
        await using var _ = gateway;
        using var raw = new RawAgent(agentUrl);
        // Parked tunnels answer nothing; they end when this deadline cancels them.
        using var parked = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var calls = new List<AsyncDuplexStreamingCall<TunnelUp, TunnelDown>>();
        for (var i = 0; i < 3; i++)
        {
            var call = raw.Client.Connect(RawAgent.Bearer(agent.Token), cancellationToken: parked.Token);
            calls.Add(call);
            await call.RequestStream.WriteAsync(new TunnelUp { Ready = new TunnelReady { InstanceId = "raw" } });
        }

        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call.ResponseStream.MoveNext(CancellationToken.None);
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));
        calls.ForEach(c => c.Dispose());

        // Whichever arrived third was refused; the other two stayed parked until the deadline.
        Assert.Equal(1, outcomes.Count(s => s == StatusCode.ResourceExhausted));
        Assert.Equal(2, outcomes.Count(s => s == StatusCode.Cancelled));
    }

    private async Task<HttpClient> ClientAsync(Uri gateway, string user, string agent)
    {
        var client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user, agent));
        return client;
    }

    private async Task<string> TokenAsync(string user, string agent) =>
        (await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = user, Agents = { agent } })).Token;

    private static async Task<string?> ReasonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        using var status = JsonDocument.Parse(body);
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        return status.RootElement.GetProperty("reason").GetString();
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response)
    {
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return status.RootElement.GetProperty("message").GetString()!;
    }

    private static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), what);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Eventually}: {what}");
            }

            await Task.Delay(100);
        }
    }
}
