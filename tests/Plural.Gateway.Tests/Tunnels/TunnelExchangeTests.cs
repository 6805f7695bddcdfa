using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>The frames of one request carried over one tunnel, as the agent and the caller each see them.</summary>
public sealed class TunnelExchangeTests
{
    private const int ChunkSize = 1024;
    private static readonly TunnelRoute Route = new("agent-a", "/api/v1/pods");
    private readonly ChannelTunnelStream _agent = new();
    private readonly AgentTunnel _tunnel;

    public TunnelExchangeTests() => _tunnel = _agent.Tunnel();

    [Fact]
    public async Task Request_head_carries_method_path_query_route_and_the_request_id()
    {
        var caller = new ExchangeContext("GET", "/k8s-proxy/agent-a/api/v1/pods", "?watch=1&limit=5");
        var route = new TunnelRoute("agent-a", "/api/v1/pods", RequestTarget.Agent, new Impersonation { User = "alice" });

        var run = Exchange(caller, route);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        Answer(200, "ok");
        await run;

        Assert.Equal("req-1", head.RequestId);
        Assert.Equal("GET", head.Method);
        Assert.Equal("/api/v1/pods", head.Path);
        Assert.Equal("watch=1&limit=5", head.Query);
        // A request without a body says so in its head: the agent calls its upstream without waiting for an end frame.
        Assert.Equal(0, head.ContentLength);
        Assert.Empty(_agent.Drain());
        Assert.False(head.Upgrade);
        Assert.Equal(RequestTarget.Agent, head.Target);
        Assert.Equal("alice", head.Impersonation.User);
    }

    [Fact]
    public async Task Request_head_leaves_the_callers_credentials_and_hop_by_hop_headers_behind()
    {
        var caller = new ExchangeContext();
        caller.Http.Request.Headers.Authorization = "Bearer secret";
        caller.Http.Request.Headers.Cookie = "plural_token=secret";
        caller.Http.Request.Headers.Connection = "keep-alive, X-Private";
        caller.Http.Request.Headers["X-Private"] = "hop";
        caller.Http.Request.Headers.Accept = "application/json";

        var run = Exchange(caller);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        Answer(200, "");
        await run;

        Assert.Equal(["Accept"], head.Headers.Select(h => h.Name));
        Assert.Equal(["application/json"], head.Headers[0].Values);
    }

    [Fact]
    public async Task Request_body_goes_down_in_chunks_no_larger_than_the_chunk_size_then_end()
    {
        var body = Enumerable.Range(0, 2 * ChunkSize + 452).Select(i => (byte)i).ToArray();
        var caller = new ExchangeContext("POST", body: new MemoryStream(body));
        caller.Http.Request.ContentLength = body.Length;

        var run = Exchange(caller);
        var head = (await _agent.ReceiveAsync()).RequestHead;
        var chunks = new List<ByteString>();
        TunnelDown frame;
        while ((frame = await _agent.ReceiveAsync()).FrameCase == TunnelDown.FrameOneofCase.Body)
        {
            chunks.Add(frame.Body.Data);
        }

        Answer(201, "created");
        await run;

        Assert.Equal(body.Length, head.ContentLength);
        Assert.Equal(TunnelDown.FrameOneofCase.End, frame.FrameCase);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, ChunkSize));
        Assert.Equal(body, chunks.SelectMany(c => c.ToByteArray()).ToArray());
        Assert.Equal(201, caller.Http.Response.StatusCode);
    }

    [Fact]
    public async Task Response_head_body_chunks_and_end_reach_the_caller_in_order()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(202, ("Content-Type", "text/plain"), ("X-Request", "r")));
        _agent.Send(Chunk("hel"));
        _agent.Send(Chunk("lo"));
        _agent.Send(new TunnelUp { End = new ResponseEnd() });

        Assert.True(await run);
        Assert.Equal(202, caller.Http.Response.StatusCode);
        Assert.Equal("text/plain", caller.Http.Response.ContentType);
        Assert.Equal("r", caller.Http.Response.Headers["X-Request"]);
        Assert.Equal("hello", caller.ResponseText);
        Assert.False(caller.Aborted);
        Assert.True(_tunnel.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Response_trailers_are_passed_on_when_the_caller_supports_them()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        var end = new ResponseEnd();
        end.Trailers.Add(Field("grpc-status", "0"));
        _agent.Send(new TunnelUp { End = end });
        await run;

        Assert.Equal("0", caller.Trailers["grpc-status"]);
    }

    [Fact]
    public async Task Hop_by_hop_and_malformed_response_headers_from_the_agent_are_dropped()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200, ("Connection", "close"), ("Transfer-Encoding", "chunked"), ("bad name", "x"), (":status", "200"),
            ("", "x"), ("X-Kept", "yes")));
        _agent.Send(new TunnelUp { End = new ResponseEnd() });
        await run;

        Assert.Equal(["X-Kept"], caller.Http.Response.Headers.Keys);
    }

    [Fact]
    public async Task An_agent_error_before_the_head_becomes_a_502_Status_naming_the_agent_and_the_cause()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(new TunnelUp { Error = new TunnelError { Code = TunnelErrorCode.UpstreamUnreachable, Message = "connection refused" } });
        await run;

        var status = Status(caller);
        Assert.Equal(502, caller.Http.Response.StatusCode);
        Assert.Equal(502, status.GetProperty("code").GetInt32());
        Assert.Contains("agent \"agent-a\" could not complete the request: connection refused", status.GetProperty("message").GetString());
        Assert.True(_tunnel.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_upstream_timeout_reported_by_the_agent_becomes_a_504()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(new TunnelUp { Error = new TunnelError { Code = TunnelErrorCode.UpstreamTimeout, Message = "slow" } });
        await run;

        Assert.Equal(504, caller.Http.Response.StatusCode);
        Assert.Equal("Timeout", Status(caller).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_agent_error_after_the_head_cuts_the_callers_connection()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        _agent.Send(Chunk("partial"));
        _agent.Send(new TunnelUp { Error = new TunnelError { Code = TunnelErrorCode.UpstreamReset, Message = "reset" } });
        await run;

        Assert.True(caller.Aborted);
        Assert.Equal("partial", caller.ResponseText);
    }

    [Theory]
    [InlineData(TunnelUp.FrameOneofCase.Body)]
    [InlineData(TunnelUp.FrameOneofCase.End)]
    [InlineData(TunnelUp.FrameOneofCase.Ready)]
    public async Task A_frame_before_the_response_head_is_a_protocol_violation_that_fails_the_stream(TunnelUp.FrameOneofCase kind)
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(kind switch
        {
            TunnelUp.FrameOneofCase.Body => Chunk("early"),
            TunnelUp.FrameOneofCase.End => new TunnelUp { End = new ResponseEnd() },
            _ => new TunnelUp { Ready = new TunnelReady() },
        });
        await run;

        Assert.Equal(502, caller.Http.Response.StatusCode);
        Assert.Contains("broke the tunnel protocol", Status(caller).GetProperty("message").GetString());
        var failure = await Assert.ThrowsAsync<RpcException>(() => _tunnel.Released);
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.StartsWith("protocol violation:", failure.Status.Detail);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(199)]
    [InlineData(600)]
    public async Task A_response_status_outside_200_to_599_is_a_protocol_violation(int code)
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(code));
        await run;

        Assert.Equal(502, caller.Http.Response.StatusCode);
        Assert.Contains($"response status {code} is not allowed", Status(caller).GetProperty("message").GetString());
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => _tunnel.Released)).StatusCode);
    }

    [Fact]
    public async Task A_second_response_head_aborts_the_started_response_and_fails_the_stream()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        _agent.Send(Head(200));
        await run;

        Assert.True(caller.Aborted);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => _tunnel.Released)).StatusCode);
    }

    [Fact]
    public async Task A_caller_that_leaves_mid_response_makes_the_gateway_send_cancel()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        _agent.Send(Chunk("first"));
        await WaitUntil(() => caller.ResponseBody.Length > 0);
        caller.CallerLeaves();
        await run;

        var cancel = await _agent.ReceiveAsync();
        Assert.Equal(TunnelDown.FrameOneofCase.Cancel, cancel.FrameCase);
        Assert.Equal("caller went away", cancel.Cancel.Reason);
        Assert.True(_tunnel.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_request_the_agent_closed_the_tunnel_on_before_taking_it_may_go_over_another_tunnel()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.End();

        Assert.False(await run);
        Assert.Equal(0, caller.ResponseBody.Length);
        Assert.False(caller.Aborted);
    }

    [Fact]
    public async Task On_the_last_attempt_a_closed_tunnel_is_a_502()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller, mayRetry: false);
        await _agent.ReceiveAsync();
        _agent.End();

        Assert.True(await run);
        Assert.Equal(502, caller.Http.Response.StatusCode);
        Assert.Contains("was lost before it answered", Status(caller).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_request_with_a_body_is_never_offered_for_a_retry()
    {
        var caller = new ExchangeContext("POST", body: new MemoryStream("once"u8.ToArray()));

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.End();

        Assert.True(await run);
        Assert.Equal(502, caller.Http.Response.StatusCode);
    }

    [Fact]
    public async Task An_agent_stream_that_ends_mid_response_cuts_the_callers_connection()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        _agent.Send(Chunk("half"));
        _agent.End();

        Assert.True(await run);
        Assert.True(caller.Aborted);
    }

    [Fact]
    public async Task An_agent_stream_that_fails_before_the_head_is_a_502()
    {
        var caller = new ExchangeContext();

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        _agent.End(new RpcException(new Status(StatusCode.Unavailable, "agent went away")));
        await run;

        Assert.Equal(502, caller.Http.Response.StatusCode);
        Assert.Contains("connection to agent \"agent-a\" was lost", Status(caller).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_read_whose_agent_went_away_before_answering_may_go_over_another_tunnel()
    {
        var caller = new ExchangeContext("GET");

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.End(new RpcException(new Status(StatusCode.Unavailable, "agent went away")));

        Assert.False(await run);
        Assert.Equal(0, caller.ResponseBody.Length);
        Assert.False(caller.Aborted);
    }

    [Fact]
    public async Task A_write_whose_agent_went_away_before_answering_is_a_502_and_never_repeated()
    {
        var caller = new ExchangeContext("DELETE");

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.End(new RpcException(new Status(StatusCode.Unavailable, "agent went away")));

        Assert.True(await run);
        Assert.Equal(502, caller.Http.Response.StatusCode);
    }

    [Fact]
    public async Task A_read_whose_agent_went_away_after_the_head_cuts_the_callers_connection()
    {
        var caller = new ExchangeContext("GET");

        var run = Exchange(caller, mayRetry: true);
        await _agent.ReceiveAsync();
        _agent.Send(Head(200));
        _agent.End(new RpcException(new Status(StatusCode.Unavailable, "agent went away")));

        Assert.True(await run);
        Assert.True(caller.Aborted);
    }

    [Fact]
    public async Task A_request_body_over_the_limit_becomes_a_413_and_the_agent_is_told_to_cancel()
    {
        var caller = new ExchangeContext("POST", body: new FailingStream(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge)));

        var run = Exchange(caller);
        await _agent.ReceiveAsync();
        await run;

        Assert.Equal(413, caller.Http.Response.StatusCode);
        Assert.Equal("RequestEntityTooLarge", Status(caller).GetProperty("reason").GetString());
        var cancel = await _agent.ReceiveAsync();
        Assert.Equal(TunnelDown.FrameOneofCase.Cancel, cancel.FrameCase);
        Assert.Equal("request could not be completed", cancel.Cancel.Reason);
    }

    private Task<bool> Exchange(ExchangeContext caller, TunnelRoute? route = null, bool mayRetry = false)
    {
        Assert.True(_tunnel.TryClaim());
        // Bounded, so that an exchange which never ends fails its test instead of hanging the run.
        return new TunnelExchange(caller.Http, _tunnel, ChunkSize, NullLogger.Instance).RunAsync(route ?? Route, mayRetry)
            .WaitAsync(TimeSpan.FromSeconds(10));
    }

    private void Answer(int status, string body)
    {
        _agent.Send(Head(status));
        _agent.Send(Chunk(body));
        _agent.Send(new TunnelUp { End = new ResponseEnd() });
    }

    private static TunnelUp Head(int status, params (string Name, string Value)[] headers)
    {
        var head = new ResponseHead { Status = status };
        head.Headers.AddRange(headers.Select(h => Field(h.Name, h.Value)));
        return new TunnelUp { ResponseHead = head };
    }

    private static TunnelUp Chunk(string text) => new() { Body = new BodyChunk { Data = ByteString.CopyFromUtf8(text) } };

    private static HeaderField Field(string name, string value) => new() { Name = name, Values = { value } };

    private static JsonElement Status(ExchangeContext caller)
    {
        var status = JsonDocument.Parse(caller.ResponseText).RootElement;
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        return status;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(5);
        }
    }

    /// <summary>A request body whose first read fails as Kestrel's does past the body size limit.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw failure;
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
