using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Tunnels;

/// <summary>
/// A tunnel stream that serves one request after another (<c>tunnel.reuse.v1</c>), seen from the gateway's side of the
/// frames: a request that ends cleanly leaves the stream idle for the next; one that does not (cancelled, reset by the
/// upstream, upgraded) closes it, and the next request, on another stream, arrives whole.
/// </summary>
public sealed class StreamReuseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task A_stream_whose_requests_end_cleanly_carries_one_after_another()
    {
        await using var upstream = await FakeUpstream.StartAsync(EchoAsync);
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var slot = await gateway.TakeSlotAsync();
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();

        await slot.SendAsync(new TunnelDown { RequestHead = Reusable(TunnelForwardingTests.Get("/first")) });
        var first = await slot.ReadAnswerAsync().WaitAsync(Timeout);
        await slot.SendAsync(new TunnelDown { RequestHead = Reusable(Post("/second", inline: "small body"u8.ToArray())) });
        var second = await slot.ReadAnswerAsync().WaitAsync(Timeout);
        var third = await SendStreamedAsync(slot, "/third", body);

        Assert.Contains(TunnelReady.ReuseCapability, slot.Capabilities);
        Assert.Equal("GET /first 0", first.BodyText);
        // A small answer of known length is one message: the head carries the body and marks the stream clean.
        Assert.Equal([TunnelUp.FrameOneofCase.ResponseHead], first.Frames);
        Assert.True(first.StreamReusable);
        Assert.Equal("POST /second 10", second.BodyText);
        Assert.True(second.StreamReusable);
        Assert.Equal(Echoed("POST", "/third", body), third.BodyText);
        Assert.True(third.StreamReusable);
        Assert.Equal(3, upstream.Requests.Count);
        slot.Finish();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancelled_request_closes_its_stream_and_the_next_request_arrives_whole()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/slow")
            {
                await held.Task.WaitAsync(context.RequestAborted);
            }

            await EchoAsync(context);
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var cancelled = await gateway.TakeSlotAsync();

        await cancelled.SendAsync(new TunnelDown { RequestHead = Reusable(TunnelForwardingTests.Get("/slow")) });
        await Eventually.HoldsAsync(() => !upstream.Requests.IsEmpty, Timeout, "the slow request reached the upstream");
        await cancelled.SendAsync(new TunnelDown { Cancel = new Cancel { Reason = "caller went away" } });
        var answer = await cancelled.ReadAnswerAsync().WaitAsync(Timeout);

        Assert.Equal(TunnelErrorCode.Cancelled, answer.Error?.Code);
        Assert.False(answer.StreamReusable);
        await AssertAgentEndedStreamAsync(cancelled);
        await AssertNextRequestArrivesWholeAsync(gateway);
        held.TrySetResult();
    }

    [Fact(Timeout = 30_000)]
    public async Task An_upstream_that_resets_mid_body_closes_the_stream_and_the_next_request_arrives_whole()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/reset")
            {
                await context.Response.WriteAsync("part of a body");
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }

            await EchoAsync(context);
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var reset = await gateway.TakeSlotAsync();

        await reset.SendAsync(new TunnelDown { RequestHead = Reusable(TunnelForwardingTests.Get("/reset")) });
        var answer = await reset.ReadAnswerAsync().WaitAsync(Timeout);

        Assert.Equal(TunnelErrorCode.UpstreamReset, answer.Error?.Code);
        Assert.False(answer.StreamReusable);
        await AssertAgentEndedStreamAsync(reset);
        await AssertNextRequestArrivesWholeAsync(gateway);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_upgrade_closes_its_stream_once_the_upgraded_connection_ends()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                await using var stream = await upgrade.UpgradeAsync();
                await stream.WriteAsync("bye"u8.ToArray());
                return;
            }

            await EchoAsync(context);
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var upgraded = await gateway.TakeSlotAsync();
        var head = Reusable(TunnelForwardingTests.Get("/api/v1/namespaces/default/pods/p/exec"));
        head.Upgrade = true;
        head.Headers.Add(new HeaderField { Name = "Connection", Values = { "Upgrade" } });
        head.Headers.Add(new HeaderField { Name = "Upgrade", Values = { "echo" } });

        await upgraded.SendAsync(new TunnelDown { RequestHead = head });
        var answer = await upgraded.ReadAnswerAsync().WaitAsync(Timeout);

        Assert.Equal(101, answer.Status);
        Assert.Equal("bye", answer.BodyText);
        Assert.False(answer.StreamReusable);
        await AssertAgentEndedStreamAsync(upgraded);
        await AssertNextRequestArrivesWholeAsync(gateway);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_request_sent_on_a_stream_the_agent_did_not_mark_clean_never_reaches_the_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync(EchoAsync);
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var slot = await gateway.TakeSlotAsync();

        // A head without reusable_stream, as an older gateway sends it: the agent answers and ends its side.
        await slot.SendAsync(new TunnelDown { RequestHead = TunnelForwardingTests.Get("/once") });
        var answer = await slot.ReadAnswerAsync().WaitAsync(Timeout);
        await slot.SendAsync(new TunnelDown { RequestHead = Reusable(TunnelForwardingTests.Get("/out-of-turn")) });

        Assert.Equal("GET /once 0", answer.BodyText);
        Assert.False(answer.StreamReusable);
        await AssertAgentEndedStreamAsync(slot);
        await AssertNextRequestArrivesWholeAsync(gateway);
        Assert.DoesNotContain(upstream.Requests, r => r.PathAndQuery == "/out-of-turn");
    }

    [Fact(Timeout = 30_000)]
    public async Task On_a_gateway_that_does_not_reuse_streams_each_stream_carries_one_request_as_before()
    {
        await using var upstream = await FakeUpstream.StartAsync(EchoAsync);
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var response = await gateway.ForwardAsync(TunnelForwardingTests.Get("/version"));

        // Body frames and an end, the end not marked reusable, then the agent ends the stream (ForwardAsync read to it).
        Assert.Equal([TunnelUp.FrameOneofCase.ResponseHead, TunnelUp.FrameOneofCase.Body, TunnelUp.FrameOneofCase.End], response.Frames);
        Assert.False(response.StreamReusable);
        Assert.Equal("GET /version 0", response.BodyText);
    }

    private static async Task AssertNextRequestArrivesWholeAsync(FakeGateway gateway)
    {
        var body = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        var next = await gateway.TakeSlotAsync();
        var answer = await SendStreamedAsync(next, "/next", body);
        Assert.Equal(Echoed("POST", "/next", body), answer.BodyText);
        Assert.True(answer.StreamReusable);
        next.Finish();
    }

    private static async Task AssertAgentEndedStreamAsync(FakeTunnelSlot slot)
    {
        // Nothing more comes from the agent: it ended its side instead of waiting for another request.
        Assert.Null(await slot.ReceiveAsync().WaitAsync(Timeout));
        slot.Finish();
    }

    private static async Task<TunnelResponse> SendStreamedAsync(FakeTunnelSlot slot, string path, byte[] body)
    {
        var head = Reusable(Post(path, inline: null));
        head.ContentLength = -1;
        await slot.SendAsync(new TunnelDown { RequestHead = head });
        for (var offset = 0; offset < body.Length; offset += 16 * 1024)
        {
            await slot.SendAsync(new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFrom(body, offset, Math.Min(16 * 1024, body.Length - offset)) } });
        }

        await slot.SendAsync(new TunnelDown { End = new RequestEnd() });
        return await slot.ReadAnswerAsync().WaitAsync(Timeout);
    }

    private static string Echoed(string method, string path, byte[] body) =>
        body.Length > 50_000
            ? $"{method} {path} {body.Length} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))}"
            : $"{method} {path} {body.Length}";

    private static RequestHead Reusable(RequestHead head)
    {
        head.ReusableStream = true;
        return head;
    }

    private static RequestHead Post(string path, byte[]? inline)
    {
        var head = TunnelForwardingTests.Get(path);
        head.Method = "POST";
        if (inline is not null)
        {
            head.ContentLength = inline.Length;
            head.Body = ByteString.CopyFrom(inline);
        }

        return head;
    }

    /// <summary>Answers with the method, path and body length (and, for a large body, its SHA-256), with a Content-Length.</summary>
    private static async Task EchoAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = Encoding.UTF8.GetBytes(Echoed(context.Request.Method, context.Request.Path, buffer.ToArray()));
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }
}
