using System.Diagnostics;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>Clients that hold connections open by sending slowly or stopping half way are cut off, and others are served meanwhile.</summary>
[Collection(PlatformCollection.Name)]
public sealed class SlowClientTests(PlatformFixture platform)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_that_sends_headers_slowly_is_disconnected_after_the_header_timeout()
    {
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync("--Gateway:Limits:RequestHeadersTimeout=00:00:02");
        await using var _ = gateway;
        using var timeout = new CancellationTokenSource(Eventually);
        using var connection = await RawHttpConnection.OpenAsync(httpUrl, timeout.Token);
        var started = Stopwatch.StartNew();

        await connection.SendAsync("GET /k8s-proxy/any/api HTTP/1.1\r\nHost: gateway\r\n", timeout.Token);
        var closed = connection.ReadToCloseAsync(timeout.Token);
        // One header line every half second keeps the connection busy forever unless the server has a deadline.
        while (!closed.IsCompleted)
        {
            try
            {
                await connection.SendAsync($"X-Slow-{started.ElapsedMilliseconds}: 1\r\n", timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(closed, Task.Delay(500, timeout.Token));
        }

        await closed;
        Assert.False(timeout.IsCancellationRequested, "the gateway kept the slow connection open");
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        using var others = new HttpClient { BaseAddress = httpUrl, Timeout = Eventually };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await others.GetAsync("/k8s-proxy/any/api")).StatusCode);
    }

    [Fact]
    public async Task A_request_body_that_stops_half_way_is_answered_and_the_connection_freed()
    {
        var agent = await platform.RegisterAgentAsync("slow-body");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var token = (await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "sam", Agents = { agent.Name } })).Token;
        // No idle timeout of ours in the way: Kestrel's minimum body data rate is what must act.
        var (gateway, _, httpUrl) = await platform.StartGatewayWithAsync("--Gateway:Limits:RequestIdleTimeout=00:05:00",
            "--Gateway:Limits:RequestTimeout=00:10:00");
        await using var _ = gateway;
        using var timeout = new CancellationTokenSource(Eventually);
        using var connection = await RawHttpConnection.OpenAsync(httpUrl, timeout.Token);
        var started = Stopwatch.StartNew();

        await connection.SendAsync($"POST /k8s-proxy/{agent.Name}/upload HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\n" +
            "Content-Length: 100000\r\n\r\n0123456789", timeout.Token);
        var answer = await connection.ReadToCloseAsync(timeout.Token);

        Assert.False(timeout.IsCancellationRequested, $"the gateway waited for the rest of the body for {started.Elapsed}; got: {answer}");
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(25));
    }
}
