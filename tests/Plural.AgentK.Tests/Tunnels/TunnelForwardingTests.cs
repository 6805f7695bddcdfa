using System.Text;
using Microsoft.AspNetCore.Http;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class TunnelForwardingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Forwarded_GET_returns_the_upstreams_status_headers_and_body()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 203;
            context.Response.Headers["X-Upstream"] = "yes";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"path\":\"{context.Request.Path}{context.Request.QueryString}\"}}");
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var response = await gateway.ForwardAsync(Get("/api/v1/namespaces", "limit=5"));

        Assert.Equal(203, response.Status);
        Assert.Equal(["yes"], response.Headers["X-Upstream"]);
        Assert.Equal(["application/json"], response.Headers["Content-Type"]);
        Assert.False(response.Headers.ContainsKey("Transfer-Encoding"));
        Assert.Equal("{\"path\":\"/api/v1/namespaces?limit=5\"}", response.BodyText);
        Assert.True(response.Ended);
        Assert.Equal([TunnelUp.FrameOneofCase.ResponseHead, TunnelUp.FrameOneofCase.Body, TunnelUp.FrameOneofCase.End], response.Frames.Distinct());
    }

    [Fact(Timeout = 30_000)]
    public async Task Forwarded_POST_carries_the_body_strips_caller_credentials_and_adds_the_agents_own()
    {
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "service-account-token-1\n");
        try
        {
            await using var upstream = await FakeUpstream.StartAsync(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                context.Response.StatusCode = 201;
                await context.Response.WriteAsync($"got {body.Length}: {body}");
            });
            await using var gateway = await FakeGateway.StartAsync();
            await using var agent = await AgentUnderTest.StartAsync(gateway, upstream, s => s["Agent:Upstream:BearerTokenFile"] = tokenFile);

            var body = Encoding.UTF8.GetBytes("{\"kind\":\"ConfigMap\"}");
            var head = new RequestHead
            {
                RequestId = "r-post",
                Method = "POST",
                Path = "/api/v1/namespaces/default/configmaps",
                ContentLength = body.Length,
                Headers =
                {
                    Header("Content-Type", "application/json"),
                    Header("Authorization", "Bearer caller-token"),
                    Header("Cookie", "session=caller"),
                    Header("Connection", "X-Hop"),
                    Header("X-Hop", "drop-me"),
                    Header("Keep-Alive", "timeout=5"),
                    Header("Proxy-Authorization", "Basic x"),
                    Header("X-Custom", "kept"),
                },
            };

            var response = await gateway.ForwardAsync(head, body);

            Assert.Equal(201, response.Status);
            Assert.Equal("got 20: {\"kind\":\"ConfigMap\"}", response.BodyText);
            var seen = upstream.Requests.Single().Headers;
            Assert.Equal("Bearer service-account-token-1", seen["Authorization"]);
            Assert.False(seen.ContainsKey("Cookie"));
            Assert.False(seen.ContainsKey("X-Hop"));
            Assert.False(seen.ContainsKey("Keep-Alive"));
            Assert.False(seen.ContainsKey("Proxy-Authorization"));
            Assert.Equal("kept", seen["X-Custom"]);
            Assert.Equal("application/json", seen["Content-Type"]);
            Assert.Equal("20", seen["Content-Length"]);

            // Service account tokens rotate: a request once the file has been looked at again carries the new one.
            await File.WriteAllTextAsync(tokenFile, "service-account-token-2");
            File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(5));
            await Task.Delay(ReloadingFile<object>.RecheckInterval + TimeSpan.FromMilliseconds(100));
            await gateway.ForwardAsync(Get("/version"));
            Assert.Equal("Bearer service-account-token-2", upstream.Requests.Last().Headers["Authorization"]);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Request_of_unknown_length_without_body_frames_reaches_the_upstream_without_a_body()
    {
        await using var upstream = await FakeUpstream.StartAsync(context =>
            context.Response.WriteAsync(context.Request.Headers.ContainsKey("Transfer-Encoding") ? "chunked" : "no body"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = Get("/api");
        head.ContentLength = -1;
        var response = await gateway.ForwardAsync(head);

        Assert.Equal("no body", response.BodyText);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancel_frame_aborts_the_upstream_request()
    {
        var probe = new UpstreamProbe();
        await using var upstream = await FakeUpstream.StartAsync(probe.HangUntilAborted("first event\n"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var slot = await gateway.TakeSlotAsync();
        await slot.SendRequestAsync(Get("/api/v1/pods", "watch=true"));
        await probe.Started.Task.WaitAsync(Timeout);
        // The answer has begun (its head is here) before the caller goes away.
        var head = await slot.ReceiveAsync().WaitAsync(Timeout);
        await slot.SendAsync(new TunnelDown { Cancel = new Cancel { Reason = "caller went away" } });

        await probe.Aborted.Task.WaitAsync(Timeout);
        var response = await slot.ReadResponseAsync().WaitAsync(Timeout);
        Assert.Equal(200, head?.ResponseHead?.Status);
        Assert.Equal(TunnelErrorCode.Cancelled, response.Error?.Code);
        slot.Finish();
    }

    [Fact(Timeout = 30_000)]
    public async Task Gateway_stream_dying_aborts_the_upstream_request()
    {
        var probe = new UpstreamProbe();
        await using var upstream = await FakeUpstream.StartAsync(probe.HangUntilAborted());
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var slot = await gateway.TakeSlotAsync();
        await slot.SendRequestAsync(Get("/slow"));
        await probe.Started.Task.WaitAsync(Timeout);
        slot.Finish(); // the gateway ends the call without an answer

        await probe.Aborted.Task.WaitAsync(Timeout);
    }

    [Fact(Timeout = 30_000)]
    public async Task Upstream_refusing_connections_gives_UPSTREAM_UNREACHABLE()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream: null);

        var response = await gateway.ForwardAsync(Get("/api"));

        Assert.Null(response.Status);
        Assert.Equal(TunnelErrorCode.UpstreamUnreachable, response.Error?.Code);
        Assert.Equal([TunnelUp.FrameOneofCase.Error], response.Frames);
    }

    [Fact(Timeout = 30_000)]
    public async Task Upstream_breaking_mid_response_gives_UPSTREAM_RESET_after_the_head()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            await Task.Delay(200);
            context.Abort();
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var response = await gateway.ForwardAsync(Get("/api"));

        Assert.True(200 == response.Status, $"{response.Error}");
        Assert.Equal(TunnelErrorCode.UpstreamReset, response.Error?.Code);
        Assert.False(response.Ended);
    }

    [Fact(Timeout = 30_000)]
    public async Task Frames_out_of_order_give_PROTOCOL_VIOLATION()
    {
        await using var upstream = await FakeUpstream.StartAsync(new UpstreamProbe().HangUntilAborted());
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var slot = await gateway.TakeSlotAsync();
        await slot.SendRequestAsync(Get("/api"));
        await slot.SendAsync(new TunnelDown { RequestHead = Get("/again") });

        var response = await slot.ReadResponseAsync().WaitAsync(Timeout);
        Assert.Equal(TunnelErrorCode.ProtocolViolation, response.Error?.Code);
        slot.Finish();
    }

    internal static RequestHead Get(string path, string query = "") =>
        new() { RequestId = Guid.NewGuid().ToString("n"), Method = "GET", Path = path, Query = query, ContentLength = 0 };

    private static HeaderField Header(string name, string value) => new() { Name = name, Values = { value } };
}
