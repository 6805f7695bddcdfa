using System.Buffers;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Local;
using Plural.AgentK.Upstream;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// Serves the one request of a tunnel slot: forwards it to the upstream and streams the answer
/// back as <c>response_head</c>, <c>body</c>* and <c>end</c>, or as <c>error</c>.
/// </summary>
internal sealed class TunnelExchange(
    UpstreamForwarder forwarder,
    IEnumerable<IAgentRequestHandler> localHandlers,
    IOptions<TunnelPoolOptions> options,
    ILogger<TunnelExchange> logger)
{
    private readonly IAgentRequestHandler? _localHandler = localHandlers.LastOrDefault();

    /// <summary>Largest response body frame (<see cref="TunnelPoolOptions.ChunkBytes"/>).</summary>
    private readonly int _chunkSize = options.Value.ChunkBytes;

    // After the agent's last frame the gateway is expected to end the call promptly.
    private static readonly TimeSpan GatewayEndTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Serves <paramref name="head"/>'s request. True when the stream is clean and idle again (the head said
    /// <c>reusable_stream</c>, the request ended cleanly on both sides and the last frame said so): it may carry the next
    /// request. False when the agent has ended its side: the stream is over once the gateway ends it.
    /// </summary>
    public async Task<bool> RunAsync(AsyncDuplexStreamingCall<TunnelUp, TunnelDown> call, TunnelDownStream frames, RequestHead head, CancellationToken abort)
    {
        using var span = TunnelSpans.StartRequest(head);
        using var exchange = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var reader = new TunnelFrameReader(frames, exchange);
        // After a switch of protocols the gateway's body frames are the caller's bytes. A body carried inline is whole.
        var expectBody = (head.ContentLength != 0 && head.Body.IsEmpty) || head.Upgrade;
        var reusable = head.ReusableStream && !head.Upgrade;
        var reading = reader.RunAsync(expectBody, reusable, abort);
        var tunnel = call.RequestStream;
        var reused = false;

        try
        {
            reused = await ForwardAsync(head, reader, expectBody, reusable, tunnel, exchange.Token, abort);
            reader.Finish();
            if (!reused)
            {
                await call.RequestStream.CompleteAsync();
            }
        }
        catch (Exception exception) when (IsTunnelFailure(exception))
        {
            // Writing back failed: the gateway is gone. Leaving ForwardAsync already aborted the upstream request.
            TunnelLog.TunnelLost(logger, head.RequestId);
            reused = false;
        }
        finally
        {
            reader.Finish();
        }

        try
        {
            await reading.WaitAsync(GatewayEndTimeout, abort);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Disposing the call cancels it; nothing more is owed to the gateway.
        }

        if (reused && reader.CancelledAfterFinish)
        {
            // A cancel crossed the last frame: the gateway will not reuse the stream, so the agent ends its side too.
            await TryCompleteAsync(call);
            return false;
        }

        return reused;
    }

    /// <summary>Forwards the request and sends the whole answer back; true when its last frame marked the stream reusable.</summary>
    private async Task<bool> ForwardAsync(
        RequestHead head,
        TunnelFrameReader reader,
        bool expectBody,
        bool reusable,
        IClientStreamWriter<TunnelUp> tunnel,
        CancellationToken exchange,
        CancellationToken abort)
    {
        if (head.Target == RequestTarget.Agent)
        {
            return await ServeLocallyAsync(head, reader, expectBody, reusable, tunnel, exchange, abort);
        }

        HttpRequestMessage? request = null;
        HttpResponseMessage? response = null;
        Activity? upstreamSpan = null;
        try
        {
            try
            {
                HttpContent? content = null;
                if (!head.Body.IsEmpty)
                {
                    content = InlineContent(head);
                }
                // An unknown length may still mean "no body" (a GET): peek until the first chunk or the end.
                else if (expectBody && !head.Upgrade && (head.ContentLength > 0 || await reader.Body.WaitToReadAsync(exchange)))
                {
                    content = new TunnelRequestContent(reader.Body, head.ContentLength);
                }

                // Started before the request is built, whose traceparent names it.
                upstreamSpan = TunnelSpans.StartUpstream(head);
                request = forwarder.CreateRequest(head, content);
                TunnelLog.Forwarding(logger, head.RequestId, request.Method.Method, head.Path);
                response = await forwarder.SendAsync(request, exchange);
                TunnelSpans.Answered(upstreamSpan, upstreamSpan?.Parent, (int)response.StatusCode);
            }
            catch (Exception) when (reader.Interruption != TunnelInterruption.None || abort.IsCancellationRequested)
            {
                TunnelSpans.Failed(upstreamSpan, "interrupted: " + reader.Interruption);
                await ReportInterruptionAsync(tunnel, reader, head, abort);
                return false;
            }
            catch (Exception exception)
            {
                var (code, message) = UpstreamFailure.BeforeResponse(exception);
                TunnelSpans.Failed(upstreamSpan, $"{code}: {message}");
                TunnelSpans.Failed(upstreamSpan?.Parent, $"{code}: {message}");
                TunnelLog.UpstreamFailed(logger, head.RequestId, code, exception.Message);
                await SendErrorAsync(tunnel, code, message, abort);
                return false;
            }

            var responseHead = new ResponseHead { Status = (int)response.StatusCode };
            TunnelHeaders.CopyFromResponse(response, head.Upgrade, responseHead.Headers);
            if (reusable && response.Content.Headers.ContentLength is { } length && length <= _chunkSize)
            {
                // A HEAD, 204 or 304 answer announces a length but carries no body.
                var bodyLength = head.Method == "HEAD" || response.StatusCode is System.Net.HttpStatusCode.NoContent or System.Net.HttpStatusCode.NotModified
                    ? 0 : (int)length;
                return await SendWholeAsync(response, responseHead, bodyLength, tunnel, reader, head, exchange, abort);
            }

            await tunnel.WriteAsync(new TunnelUp { ResponseHead = responseHead }, abort);

            if (head.Upgrade && response.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols)
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(exchange);
                await new UpgradedConnection(upstream, reader, tunnel, _chunkSize, logger).RunAsync(head.RequestId, exchange, abort);
                return false;
            }

            if (!await CopyBodyAsync(response, tunnel, reader, head, exchange, abort))
            {
                return false;
            }

            var end = new ResponseEnd();
            TunnelHeaders.CopyFromTrailers(response, end.Trailers);
            end.StreamReusable = reusable && reader.TryFinishClean();
            await tunnel.WriteAsync(new TunnelUp { End = end }, abort);
            return end.StreamReusable;
        }
        finally
        {
            // Disposed only now: with a duplex upstream the request body may stream until the response ends.
            // Disposing an unfinished response aborts the upstream request, which is what a dead tunnel needs.
            response?.Dispose();
            request?.Dispose();
            upstreamSpan?.Dispose();
        }
    }

    /// <summary>A request body the gateway carried inside the head.</summary>
    private static ReadOnlyMemoryContent InlineContent(RequestHead head)
    {
        if (head.Body.Length != head.ContentLength)
        {
            throw new RequestRejectedException("an inline request body must be as long as the head's content_length");
        }

        // ByteString content is immutable, so its memory is handed on without a copy.
        return new ReadOnlyMemoryContent(head.Body.Memory);
    }

    /// <summary>
    /// Sends a small response of known length as one message: the head carrying the whole body, marked complete, and
    /// reusable when the request ended cleanly. One frame instead of three, and the gateway writes to its caller once.
    /// </summary>
    private async Task<bool> SendWholeAsync(
        HttpResponseMessage response,
        ResponseHead responseHead,
        int length,
        IClientStreamWriter<TunnelUp> tunnel,
        TunnelFrameReader reader,
        RequestHead head,
        CancellationToken exchange,
        CancellationToken abort)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = 0;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(exchange);
                int n;
                while (read < length && (n = await body.ReadAsync(buffer.AsMemory(read, length - read), exchange)) > 0)
                {
                    read += n;
                }
            }
            catch (Exception) when (reader.Interruption != TunnelInterruption.None || abort.IsCancellationRequested)
            {
                await ReportInterruptionAsync(tunnel, reader, head, abort);
                return false;
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException)
            {
                TunnelLog.UpstreamBroke(logger, head.RequestId, exception);
                await SendErrorAsync(tunnel, TunnelErrorCode.UpstreamReset, "the upstream broke the connection mid-response", abort);
                return false;
            }

            if (read < length)
            {
                // Shorter than announced: the upstream connection broke.
                await SendErrorAsync(tunnel, TunnelErrorCode.UpstreamReset, "the upstream broke the connection mid-response", abort);
                return false;
            }

            responseHead.Complete = true;
            responseHead.Body = ByteString.CopyFrom(buffer, 0, read);
            responseHead.StreamReusable = reader.TryFinishClean();
            await tunnel.WriteAsync(new TunnelUp { ResponseHead = responseHead }, abort);
            return responseHead.StreamReusable;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the upstream body in chunks. The next chunk is read while the previous frame is being written, so the
    /// upstream and the gateway both stay busy; at most one frame waits for the gateway, which bounds memory. Frames wrap
    /// pooled buffers instead of copying them into new arrays.
    /// </summary>
    private async Task<bool> CopyBodyAsync(
        HttpResponseMessage response,
        IClientStreamWriter<TunnelUp> tunnel,
        TunnelFrameReader reader,
        RequestHead head,
        CancellationToken exchange,
        CancellationToken abort)
    {
        // Two pooled buffers in turn: one is read into while the frame wrapping the other is written.
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(_chunkSize), ArrayPool<byte>.Shared.Rent(_chunkSize) };
        var current = 0;
        var writing = Task.CompletedTask;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(exchange);
            while (true)
            {
                var buffer = buffers[current];
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, _chunkSize), exchange);
                }
                catch (Exception) when (reader.Interruption != TunnelInterruption.None || abort.IsCancellationRequested)
                {
                    await SettleAsync(writing);
                    await ReportInterruptionAsync(tunnel, reader, head, abort);
                    return false;
                }
                catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException)
                {
                    TunnelLog.UpstreamBroke(logger, head.RequestId, exception);
                    await SettleAsync(writing);
                    await SendErrorAsync(tunnel, TunnelErrorCode.UpstreamReset, "the upstream broke the connection mid-response", abort);
                    return false;
                }

                await writing;
                if (read == 0)
                {
                    return true;
                }

                // Wrapped, not copied: gRPC serialises the frame into its own buffers during the write, and this buffer
                // is read into again only after that write completed (the next read goes into the other one).
                var frame = new TunnelUp { Body = new BodyChunk { Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) } };
                writing = tunnel.WriteAsync(frame, abort);
                current ^= 1;
            }
        }
        finally
        {
            await SettleAsync(writing);
            // A write that did not complete may still hold its buffer: such buffers are left to the collector.
            if (writing.IsCompletedSuccessfully)
            {
                ArrayPool<byte>.Shared.Return(buffers[0]);
                ArrayPool<byte>.Shared.Return(buffers[1]);
            }
        }
    }

    /// <summary>Waits for a frame write still in flight; its failure is the tunnel's, reported where the next write fails.</summary>
    private static async Task SettleAsync(Task writing)
    {
        try
        {
            await writing;
        }
        catch (Exception exception) when (IsTunnelFailure(exception))
        {
        }
    }

    /// <summary>Answers a request addressed to the agent itself (a cached query) without touching the upstream.</summary>
    private async Task<bool> ServeLocallyAsync(
        RequestHead head,
        TunnelFrameReader reader,
        bool expectBody,
        bool reusable,
        IClientStreamWriter<TunnelUp> tunnel,
        CancellationToken exchange,
        CancellationToken abort)
    {
        AgentResponse response;
        try
        {
            var body = !head.Body.IsEmpty ? head.Body.Memory
                : expectBody ? await ReadBoundedAsync(reader, AgentRequest.MaxBodyBytes, exchange)
                : ReadOnlyMemory<byte>.Empty;
            response = _localHandler is null
                ? new AgentResponse(404, "text/plain", "this agent serves no local requests"u8.ToArray())
                : await _localHandler.HandleAsync(new AgentRequest(head.Method, head.Path, head.Query, body), exchange);
        }
        catch (Exception) when (reader.Interruption != TunnelInterruption.None || abort.IsCancellationRequested)
        {
            await ReportInterruptionAsync(tunnel, reader, head, abort);
            return false;
        }
        catch (RequestRejectedException rejected)
        {
            await SendErrorAsync(tunnel, TunnelErrorCode.Rejected, rejected.Message, abort);
            return false;
        }

        TunnelSpans.Answered(null, Activity.Current, response.Status);
        await tunnel.WriteAsync(new TunnelUp
        {
            ResponseHead = new ResponseHead { Status = response.Status, Headers = { new HeaderField { Name = "Content-Type", Values = { response.ContentType } } } },
        }, abort);
        for (var offset = 0; offset < response.Body.Length; offset += _chunkSize)
        {
            var chunk = response.Body.Slice(offset, Math.Min(_chunkSize, response.Body.Length - offset));
            await tunnel.WriteAsync(new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFrom(chunk.Span) } }, abort);
        }

        var end = new ResponseEnd { StreamReusable = reusable && reader.TryFinishClean() };
        await tunnel.WriteAsync(new TunnelUp { End = end }, abort);
        return end.StreamReusable;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(TunnelFrameReader reader, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await foreach (var chunk in reader.Body.ReadAllAsync(ct))
        {
            if (buffer.Length + chunk.Length > limit)
            {
                throw new RequestRejectedException($"a local request body may not exceed {limit} bytes");
            }

            buffer.Write(chunk.Span);
        }

        return buffer.ToArray();
    }

    private async Task ReportInterruptionAsync(IClientStreamWriter<TunnelUp> tunnel, TunnelFrameReader reader, RequestHead head, CancellationToken abort)
    {
        TunnelLog.Interrupted(logger, head.RequestId, reader.Interruption, reader.InterruptionDetail);
        switch (reader.Interruption)
        {
            case TunnelInterruption.Cancelled:
                await SendErrorAsync(tunnel, TunnelErrorCode.Cancelled, $"cancelled by the gateway: {reader.InterruptionDetail}", abort);
                break;
            case TunnelInterruption.ProtocolViolation:
                await SendErrorAsync(tunnel, TunnelErrorCode.ProtocolViolation, reader.InterruptionDetail, abort);
                break;
            default:
                // The gateway is gone or the agent is being cut at shutdown: nobody to tell.
                throw new OperationCanceledException("the tunnel is gone");
        }
    }

    private static async Task TryCompleteAsync(AsyncDuplexStreamingCall<TunnelUp, TunnelDown> call)
    {
        try
        {
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (IsTunnelFailure(exception))
        {
        }
    }

    private static Task SendErrorAsync(IClientStreamWriter<TunnelUp> tunnel, TunnelErrorCode code, string message, CancellationToken abort) =>
        tunnel.WriteAsync(new TunnelUp { Error = new TunnelError { Code = code, Message = message } }, abort);

    private static bool IsTunnelFailure(Exception exception) =>
        exception is RpcException or OperationCanceledException or InvalidOperationException or IOException;
}
