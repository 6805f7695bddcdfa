using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Tunnels;

[Collection(PlatformCollection.Name)]
public sealed class TunnelForwardingTests(PlatformFixture platform) : IAsyncLifetime
{
    private RegisteredAgent _agent = null!;
    private AgentProcess _agentProcess = null!;

    public async Task InitializeAsync()
    {
        _agent = await platform.RegisterAgentAsync("fwd");
        _agentProcess = await platform.StartAgentAsync(_agent);
    }

    public async Task DisposeAsync() => await _agentProcess.DisposeAsync();

    private string Proxy(string path) => $"/agents/{_agent.Name}/proxy{path}";

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Request_through_the_tunnel_gets_the_upstream_status_headers_and_body(string method)
    {
        var body = $"{{\"method\":\"{method}\",\"text\":\"grüße\"}}";
        using var request = new HttpRequestMessage(new HttpMethod(method), Proxy("/echo/a/b?x=1&y=two%20words"));
        request.Headers.Add("X-Want-Status", "201");
        request.Headers.Add("X-Custom", ["one", "two"]);
        if (method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await platform.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(method, response.Headers.GetValues("X-Upstream-Method").Single());
        Assert.Equal("/echo/a/b", response.Headers.GetValues("X-Upstream-Path").Single());
        Assert.Equal("?x=1&y=two%20words", response.Headers.GetValues("X-Upstream-Query").Single());
        Assert.Equal(method == "GET" ? "" : body, await response.Content.ReadAsStringAsync());
        var seen = platform.Upstream.SeenHeaders.Last();
        Assert.Equal("one,two", string.Join(',', seen["X-Custom"].ToArray()).Replace(", ", ","));
    }

    [Fact]
    public async Task Caller_credentials_never_reach_the_upstream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Proxy("/echo/creds"));
        request.Headers.Add("Cookie", "session=secret-cookie");

        using var response = await platform.Http.SendAsync(request);

        response.EnsureSuccessStatusCode();
        var seen = platform.Upstream.SeenHeaders.Last();
        Assert.False(seen.ContainsKey("Cookie"));
        Assert.DoesNotContain(PlatformFixture.AdminToken, seen["Authorization"].ToString());
    }

    [Fact]
    public async Task Large_bodies_stream_both_ways_with_gateway_and_agent_memory_bounded()
    {
        const long size = 200L * 1024 * 1024;
        var gatewayBaseline = platform.Gateway.ResidentBytes();
        var agentBaseline = _agentProcess.Process.ResidentBytes();
        long gatewayPeak = gatewayBaseline, agentPeak = agentBaseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                gatewayPeak = Math.Max(gatewayPeak, platform.Gateway.ResidentBytes());
                agentPeak = Math.Max(agentPeak, _agentProcess.Process.ResidentBytes());
                await Task.Delay(50);
            }
        });

        // Download: every byte checked against the pattern the upstream generates.
        using (var response = await platform.Http.GetAsync(Proxy($"/bytes/{size}"), HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long offset = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != UpstreamServer.Pattern(offset + i))
                    {
                        Assert.Fail($"byte {offset + i} differs");
                    }
                }

                offset += read;
            }

            Assert.Equal(size, offset);
        }

        // Upload: a generated body whose hash the upstream reports back.
        using var upload = new PatternContent(size);
        using var uploadResponse = await platform.Http.PostAsync(Proxy("/upload"), upload);
        uploadResponse.EnsureSuccessStatusCode();
        var result = await uploadResponse.Content.ReadFromJsonAsync<JsonElement>();

        await sampling.CancelAsync();
        await sampler;
        Assert.Equal(size, result.GetProperty("bytes").GetInt64());
        Assert.Equal(upload.Sha256, result.GetProperty("sha256").GetString());
        // Buffering a body would show as growth of at least its size (200 MiB); streaming stays well below. The
        // margin absorbs GC heap sizing on a loaded 2-core machine, where an agent has been seen at 101 MiB.
        const long bound = 140L * 1024 * 1024;
        Assert.True(gatewayPeak - gatewayBaseline < bound, $"gateway grew by {(gatewayPeak - gatewayBaseline) >> 20} MiB");
        Assert.True(agentPeak - agentBaseline < bound, $"agent grew by {(agentPeak - agentBaseline) >> 20} MiB");
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_succeed_and_the_pool_shrinks_back_to_its_minimum()
    {
        var largestPool = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                largestPool = Math.Max(largestPool, await _agentProcess.TotalTunnelsAsync());
                await Task.Delay(50);
            }
        });
        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await platform.Http.GetAsync(Proxy($"/slow-ok?ms=300&i={i}"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });

        var results = await Task.WhenAll(requests);
        await sampling.CancelAsync();
        await sampler;

        Assert.All(results, r => Assert.Equal((HttpStatusCode.OK, "done"), r));
        Assert.True(largestPool > 20, $"the pool never grew beyond {largestPool} tunnels");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        int total;
        while ((total = await _agentProcess.TotalTunnelsAsync()) != 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(2, total);
    }

    [Fact]
    public async Task Cancelling_the_caller_aborts_the_upstream_request()
    {
        var id = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        var call = platform.Http.GetAsync(Proxy($"/hang?id={id}"), cts.Token);
        await WaitUntil(() => platform.Upstream.Hanging > 0, TimeSpan.FromSeconds(10));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await WaitUntil(() => platform.Upstream.AbortedRequests.Contains(id), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Upstream_that_refuses_connections_gives_502_with_the_reason()
    {
        await using var refused = await platform.StartAgentAsync(
            await platform.RegisterAgentAsync("refused"), new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        var name = refused.Process.Name["AgentK ".Length..];

        using var response = await platform.Http.GetAsync($"/agents/{name}/proxy/version");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Contains("UpstreamUnreachable", status.GetProperty("message").GetString());
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
