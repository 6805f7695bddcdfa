using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// Requests over a stream whose agent declared <c>tunnel.reuse.v1</c>: the stream goes back to idle only when the
/// request ended cleanly on both sides and the agent's last frame said so; small bodies travel inline in the heads.
/// A stream of an agent without the capability carries one request, as before.
/// </summary>
public sealed class ReusableTunnelExchangeTests
{
    private const int ChunkSize = 1024;
    private static readonly TunnelRoute Route = new("agent-a", "/api/v1/pods");
    private readonly ChannelTunnelStream _agent = new();

    [Fact]
    public async Task A_request_the_agent_ends_cleanly_releases_the_stream_for_the_next_one()
    {
        var tunnel = _agent.Tunnel(reusable: true);
        var caller = new ExchangeContext();

        var run = Exchange(tunnel, caller);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        _agent.Send(new TunnelUp { ResponseHead = new ResponseHead { Status = 200 } });
        _agent.Send(new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFromUtf8("pods") } });
        _agent.Send(new TunnelUp { End = new ResponseEnd { StreamReusable = true } });
        await run;

        Assert.True(head.ReusableStream);
        Assert.Equal("pods", caller.ResponseText);
        Assert.True(await tunnel.Released);
        Assert.Empty(_agent.Drain());
    }

    [Fact]
    public async Task A_small_answer_in_one_message_reaches_the_caller_whole()
    {
        var tunnel = _agent.Tunnel(reusable: true);
        var caller = new ExchangeContext();

        var run = Exchange(tunnel, caller);
        await _agent.ReceiveAsync();
        _agent.Send(new TunnelUp
        {
            ResponseHead = new ResponseHead
            {
                Status = 203,
                Headers = { new HeaderField { Name = "Content-Type", Values = { "application/json" } } },
                Complete = true,
                Body = ByteString.CopyFromUtf8("{\"major\":\"1\"}"),
                StreamReusable = true,
            },
        });
        await run;

        Assert.Equal(203, caller.Http.Response.StatusCode);
        Assert.Equal("application/json", caller.Http.Response.ContentType);
        Assert.Equal("{\"major\":\"1\"}", caller.ResponseText);
        Assert.True(await tunnel.Released);
    }

    [Fact]
    public async Task A_small_request_body_travels_inline_in_the_head()
    {
        var tunnel = _agent.Tunnel(reusable: true);
        var body = "{\"kind\":\"ConfigMap\"}"u8.ToArray();
        var caller = new ExchangeContext("POST", body: new MemoryStream(body));
        caller.Http.Request.ContentLength = body.Length;

        var run = Exchange(tunnel, caller);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        _agent.Send(new TunnelUp { ResponseHead = new ResponseHead { Status = 201, Complete = true, StreamReusable = true } });
        await run;

        Assert.Equal(body.Length, head.ContentLength);
        Assert.Equal(body, head.Body.ToByteArray());
        Assert.Empty(_agent.Drain());
        Assert.Equal(201, caller.Http.Response.StatusCode);
        Assert.True(await tunnel.Released);
    }

    [Fact]
    public async Task A_stream_whose_last_frame_is_not_marked_clean_is_not_given_another_request()
    {
        var tunnel = _agent.Tunnel(reusable: true);
        var caller = new ExchangeContext();

        var run = Exchange(tunnel, caller);
        await _agent.ReceiveAsync();
        _agent.Send(new TunnelUp { ResponseHead = new ResponseHead { Status = 200 } });
        _agent.Send(new TunnelUp { End = new ResponseEnd() });
        await run;

        Assert.False(await tunnel.Released);
        Assert.Empty(_agent.Drain());
    }

    [Fact]
    public async Task A_caller_that_leaves_as_the_agent_marks_the_stream_clean_gets_the_stream_withdrawn()
    {
        var tunnel = _agent.Tunnel(reusable: true);
        var caller = new ExchangeContext();
        caller.CallerLeaves();

        var run = Exchange(tunnel, caller);
        _agent.Send(new TunnelUp { ResponseHead = new ResponseHead { Status = 200, Complete = true, StreamReusable = true } });
        await run;

        Assert.False(await tunnel.Released);
        Assert.Contains(_agent.Drain(), f => f.FrameCase == TunnelDown.FrameOneofCase.Cancel);
    }

    [Fact]
    public async Task A_stream_of_an_agent_without_the_capability_carries_one_request_with_its_body_in_frames()
    {
        var tunnel = _agent.Tunnel(reusable: false);
        var body = "small"u8.ToArray();
        var caller = new ExchangeContext("POST", body: new MemoryStream(body));
        caller.Http.Request.ContentLength = body.Length;

        var run = Exchange(tunnel, caller);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        var chunk = await _agent.ReceiveAsync();
        var end = await _agent.ReceiveAsync();
        _agent.Send(new TunnelUp { ResponseHead = new ResponseHead { Status = 200 } });
        // Even an agent claiming otherwise: without the capability the stream ends after its request.
        _agent.Send(new TunnelUp { End = new ResponseEnd { StreamReusable = true } });
        await run;

        Assert.False(head.ReusableStream);
        Assert.True(head.Body.IsEmpty);
        Assert.Equal(body, chunk.Body.Data.ToByteArray());
        Assert.Equal(TunnelDown.FrameOneofCase.End, end.FrameCase);
        Assert.False(await tunnel.Released);
    }

    private static Task<bool> Exchange(AgentTunnel tunnel, ExchangeContext caller)
    {
        Assert.True(tunnel.TryClaim());
        return new TunnelExchange(caller.Http, tunnel, ChunkSize, NullLogger.Instance).RunAsync(Route, mayRetry: false)
            .WaitAsync(TimeSpan.FromSeconds(10));
    }
}
