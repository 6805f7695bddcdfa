using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Plural.Gateway.Listeners;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// One HTTP request carried over one claimed tunnel: the request head and body go down as frames
/// while the response frames coming up are written to the caller as they arrive. Memory stays
/// bounded by one chunk in each direction; HTTP/2 flow control on the agent stream and Kestrel's
/// own backpressure on the caller pace both sides.
/// <para>
/// An agent closes an idle tunnel by ending its side with no frame, and a request may cross that on the way:
/// such a request never reached the agent. When nothing of it was consumed (no body) the exchange says so and
/// the request can go over another tunnel.
/// </para>
/// </summary>
internal sealed partial class TunnelExchange(HttpContext context, AgentTunnel tunnel, int chunkSize, ILogger logger)
{
    private static readonly TimeSpan CancelFrameTimeout = TimeSpan.FromSeconds(2);
    private bool _responseStarted;
    private bool _requestSent;
    private bool _agentOfferedReuse;
    private bool _cancelSent;
    private IHttpUpgradeFeature? _upgrade;

    /// <summary>
    /// Carries the request and its answer. False, with nothing written to the caller, when the agent had closed
    /// the tunnel before the request reached it and <paramref name="mayRetry"/>: the caller sends it again.
    /// </summary>
    public async Task<bool> RunAsync(TunnelRoute route, bool mayRetry)
    {
        var callerAborted = context.RequestAborted;
        using var exchange = CancellationTokenSource.CreateLinkedTokenSource(callerAborted);
        Task upload = Task.CompletedTask;
        RpcException? streamFailure = null;
        var clean = false;
        _upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade ? upgrade : null;
        // Nothing is read from the caller before a switch of protocols, nor from a request without a body.
        var bodiless = context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
        var replayable = _upgrade is not null || bodiless;
        try
        {
            var head = Head(route, bodiless);
            if (_upgrade is null && !bodiless && tunnel.Reusable && context.Request.ContentLength is > 0 and var length && length <= chunkSize)
            {
                // A small body of known length travels inside the head: one message for the whole request.
                head.Body = await ReadSmallBodyAsync((int)length, exchange.Token);
                _requestSent = true;
            }

            await tunnel.WriteAsync(new TunnelDown { RequestHead = head }, exchange.Token);
            // An upgrade has no body before the switch; afterwards bytes flow both ways (see PumpUpgradedAsync). A request
            // without a body says so in its head (content_length 0), so no end frame follows and the agent calls its
            // upstream at once.
            _requestSent |= bodiless;
            upload = _upgrade is null && !_requestSent ? UploadAsync(exchange) : Task.CompletedTask;
            await DownloadAsync(exchange);
            clean = _upgrade is null;
        }
        catch (OperationCanceledException) when (callerAborted.IsCancellationRequested)
        {
            LogCallerLeft(logger, tunnel.Identity.AgentName, context.TraceIdentifier);
            await SendCancelAsync("caller went away");
        }
        catch (OperationCanceledException) when (!callerAborted.IsCancellationRequested)
        {
            // Not the caller: either the request body failed, or the agent's stream was torn down.
            await exchange.CancelAsync();
            var cause = await FailureOfAsync(upload) ?? new IOException("the agent stream was aborted");
            if (MayRepeat(mayRetry, replayable))
            {
                LogRepeating(logger, tunnel.Identity.AgentName, context.TraceIdentifier, cause.Message);
                LostAgent = true;
                return false;
            }

            LogAgentLost(logger, tunnel.Identity.AgentName, context.TraceIdentifier, cause.Message);
            await SendCancelAsync("request could not be completed");
            await FailAsync(cause);
        }
        catch (AgentStreamEndedException) when (mayRetry && replayable && !_responseStarted)
        {
            // No frame came back: the agent ended an idle tunnel just as the request was handed to it.
            LogClosedBeforeRequest(logger, tunnel.Identity.AgentName, context.TraceIdentifier);
            return false;
        }
        catch (Exception ex) when (ex is IOException or RpcException or AgentStreamEndedException && MayRepeat(mayRetry, replayable))
        {
            LogRepeating(logger, tunnel.Identity.AgentName, context.TraceIdentifier, ex.Message);
            LostAgent = true;
            return false;
        }
        catch (TunnelProtocolException ex)
        {
            LogProtocolViolation(logger, tunnel.Identity.AgentName, ex.Message);
            streamFailure = new RpcException(new Status(StatusCode.InvalidArgument, "protocol violation: " + ex.Message));
            await FailAsync(ex);
        }
        catch (Exception ex) when (ex is IOException or RpcException or InvalidOperationException or AgentStreamEndedException)
        {
            LogAgentLost(logger, tunnel.Identity.AgentName, context.TraceIdentifier, ex.Message);
            await FailAsync(ex);
        }
        finally
        {
            await exchange.CancelAsync();
            await ObserveAsync(upload);
            // Reused only when both sides saw the request end cleanly: the whole request went down (its end included), the
            // agent said its last frame left the stream clean, no cancel crossed, and no switch of protocols happened.
            var reuse = streamFailure is null && clean && _requestSent && upload.IsCompletedSuccessfully && _agentOfferedReuse && !_cancelSent;
            if (_agentOfferedReuse && !reuse && !_cancelSent)
            {
                // The agent holds the stream as idle again; a cancel is how an idle stream is withdrawn.
                await SendCancelAsync("the stream is not reused");
            }

            tunnel.Release(streamFailure, reuse);
        }

        return true;
    }

    /// <summary>
    /// True when <see cref="RunAsync"/> returned false because the agent went away mid-request (not because it had
    /// closed an idle tunnel): the read may go to another tunnel that is there now, but must not wait for one.
    /// </summary>
    public bool LostAgent { get; private set; }

    /// <summary>What a caller gets when its agent went away before answering and no other tunnel could take over.</summary>
    public static Task WriteLostAsync(HttpResponse response, string agentName) =>
        KubernetesStatus.BadGateway(response, $"connection to agent \"{agentName}\" was lost before it answered", CancellationToken.None);

    /// <summary>
    /// A read (GET, HEAD, OPTIONS) without a body whose agent went away before any of the answer reached the caller
    /// goes to another tunnel: repeating a read changes nothing, and with several agent replicas the caller never
    /// sees one of them die. Upgrades (exec, attach) are never repeated, since their command would run twice.
    /// </summary>
    private bool MayRepeat(bool mayRetry, bool replayable) =>
        mayRetry && replayable && _upgrade is null && !_responseStarted && !context.RequestAborted.IsCancellationRequested
        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));

    private async Task<ByteString> ReadSmallBodyAsync(int length, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await context.Request.Body.ReadExactlyAsync(buffer.AsMemory(0, length), ct);
            return ByteString.CopyFrom(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private RequestHead Head(TunnelRoute route, bool bodiless)
    {
        var request = context.Request;
        var head = new RequestHead
        {
            RequestId = context.TraceIdentifier,
            Method = request.Method,
            Path = route.Path,
            Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            ContentLength = _upgrade is not null || bodiless ? 0 : request.ContentLength ?? -1,
            Upgrade = _upgrade is not null,
            Target = route.Target,
            Impersonation = route.Impersonation,
            ReusableStream = tunnel.Reusable,
        };
        HttpHeaderFilter.CopyForAgent(request.Headers, head.Upgrade, head.Headers);
        TunnelTraceContext.Write(request.Headers, head);
        return head;
    }

    private async Task UploadAsync(CancellationTokenSource exchange)
    {
        // Two pooled buffers in turn: the next chunk is read into one while the frame wrapping the other is written;
        // one frame at most waits for the agent, which bounds memory.
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(chunkSize), ArrayPool<byte>.Shared.Rent(chunkSize) };
        var current = 0;
        var writing = Task.CompletedTask;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffers[current].AsMemory(0, chunkSize), exchange.Token)) > 0)
            {
                await writing;
                // Wrapped, not copied: gRPC serialises the frame into its own buffers during the write, and this buffer
                // is read into again only after that write completed (the next read goes into the other one).
                var chunk = new BodyChunk { Data = UnsafeByteOperations.UnsafeWrap(buffers[current].AsMemory(0, read)) };
                writing = tunnel.WriteAsync(new TunnelDown { Body = chunk }, exchange.Token).AsTask();
                current ^= 1;
            }

            await writing;
            await tunnel.WriteAsync(new TunnelDown { End = new RequestEnd() }, exchange.Token);
            _requestSent = true;
        }
        catch when (!exchange.IsCancellationRequested)
        {
            // Stop waiting for a response to a request that could not be sent whole.
            await exchange.CancelAsync();
            throw;
        }
        finally
        {
            // Nothing else may write to the tunnel while a frame is in flight; its failure is already on its way up.
            await writing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            // A write that did not complete may still hold its buffer: such buffers are left to the collector.
            if (writing.IsCompletedSuccessfully)
            {
                ArrayPool<byte>.Shared.Return(buffers[0]);
                ArrayPool<byte>.Shared.Return(buffers[1]);
            }
        }
    }

    // A 204, 205 or 304 has no content (RFC 9110): bytes an upstream sends with one are dropped, as other proxies
    // do, instead of failing a response whose head is already out.
    private static bool MayHaveBody(HttpResponse response) =>
        response.StatusCode is not (StatusCodes.Status204NoContent or StatusCodes.Status205ResetContent or StatusCodes.Status304NotModified);

    private async Task DownloadAsync(CancellationTokenSource exchange)
    {
        var ct = exchange.Token;
        var response = context.Response;
        while (true)
        {
            var frame = await tunnel.ReadAsync(ct)
                ?? throw new AgentStreamEndedException("the agent ended the tunnel before finishing the response");
            switch (frame.FrameCase)
            {
                case TunnelUp.FrameOneofCase.ResponseHead when !_responseStarted:
                    var status = frame.ResponseHead.Status;
                    if (status == StatusCodes.Status101SwitchingProtocols && _upgrade is not null)
                    {
                        HttpHeaderFilter.CopyToSwitchingResponse(frame.ResponseHead.Headers, response);
                        _responseStarted = true;
                        await using var upgraded = await _upgrade.UpgradeAsync();
                        await PumpUpgradedAsync(upgraded, exchange);
                        return;
                    }

                    if (status is < 200 or > 599)
                    {
                        throw new TunnelProtocolException($"response status {status} is not allowed");
                    }

                    response.StatusCode = status;
                    HttpHeaderFilter.CopyToResponse(frame.ResponseHead.Headers, response);
                    _responseStarted = true;
                    if (frame.ResponseHead.Complete)
                    {
                        // A small answer in one message: headers and body go to the caller in one write.
                        if (!frame.ResponseHead.Body.IsEmpty && MayHaveBody(response))
                        {
                            await response.Body.WriteAsync(frame.ResponseHead.Body.Memory, ct);
                        }

                        _agentOfferedReuse = tunnel.Reusable && frame.ResponseHead.StreamReusable;
                        return;
                    }

                    if (!frame.ResponseHead.Body.IsEmpty)
                    {
                        throw new TunnelProtocolException("a response head carries a body only when it is the complete response");
                    }

                    // Headers go out at once when nothing follows yet: a watch or log follower may not send a body byte
                    // for minutes. When the body is already here, headers and body leave in one write to the caller.
                    if (!tunnel.NextFrame.IsCompleted)
                    {
                        await response.StartAsync(ct);
                    }

                    break;
                case TunnelUp.FrameOneofCase.Body when _responseStarted:
                    if (MayHaveBody(response))
                    {
                        await response.Body.WriteAsync(frame.Body.Data.Memory, ct);
                    }

                    ReceivedBody.Return(frame.Body.Data);
                    break;
                case TunnelUp.FrameOneofCase.End when _responseStarted:
                    _agentOfferedReuse = tunnel.Reusable && frame.End.StreamReusable;
                    HttpHeaderFilter.CopyTrailersToResponse(frame.End.Trailers, response);
                    return;
                case TunnelUp.FrameOneofCase.Error:
                    await UpstreamFailedAsync(frame.Error);
                    return;
                default:
                    throw new TunnelProtocolException(
                        $"unexpected '{frame.FrameCase}' frame {(_responseStarted ? "after" : "before")} the response head");
            }
        }
    }

    /// <summary>
    /// After a switch of protocols (exec, attach, port-forward) the tunnel carries raw bytes both ways until one
    /// side ends: the caller closing its connection sends <c>end</c>, the agent's <c>end</c> closes the caller's.
    /// </summary>
    private async Task PumpUpgradedAsync(Stream caller, CancellationTokenSource exchange)
    {
        var ct = exchange.Token;
        var upload = CopyCallerToAgentAsync(caller, exchange);
        try
        {
            while (true)
            {
                var frame = await tunnel.ReadAsync(ct);
                switch (frame?.FrameCase)
                {
                    case TunnelUp.FrameOneofCase.Body:
                        await caller.WriteAsync(frame.Body.Data.Memory, ct);
                        ReceivedBody.Return(frame.Body.Data);
                        await caller.FlushAsync(ct);
                        break;
                    case TunnelUp.FrameOneofCase.End or null:
                        return;
                    case TunnelUp.FrameOneofCase.Error:
                        LogUpstreamFailed(logger, tunnel.Identity.AgentName, frame.Error.Code.ToString(), frame.Error.Message);
                        return;
                    default:
                        throw new TunnelProtocolException($"unexpected '{frame.FrameCase}' frame on an upgraded connection");
                }
            }
        }
        finally
        {
            await exchange.CancelAsync();
            await ObserveAsync(upload);
        }
    }

    private async Task CopyCallerToAgentAsync(Stream caller, CancellationTokenSource exchange)
    {
        var ct = exchange.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            int read;
            while ((read = await caller.ReadAsync(buffer.AsMemory(0, chunkSize), ct)) > 0)
            {
                await tunnel.WriteAsync(new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFrom(buffer, 0, read) } }, ct);
            }

            await tunnel.WriteAsync(new TunnelDown { End = new RequestEnd() }, ct);
        }
        catch when (!ct.IsCancellationRequested)
        {
            // The caller's connection broke: stop waiting for the agent, which the cancel frame then tells.
            await exchange.CancelAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task UpstreamFailedAsync(TunnelError error)
    {
        LogUpstreamFailed(logger, tunnel.Identity.AgentName, error.Code.ToString(), error.Message);
        if (_responseStarted)
        {
            context.Abort();
            return;
        }

        var message = $"agent \"{tunnel.Identity.AgentName}\" could not complete the request: {error.Message} ({error.Code})";
        if (error.Code == TunnelErrorCode.UpstreamTimeout)
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status504GatewayTimeout, "Timeout", message, CancellationToken.None);
        }
        else
        {
            await KubernetesStatus.BadGateway(context.Response, message, CancellationToken.None);
        }
    }

    private async Task FailAsync(Exception cause)
    {
        if (_responseStarted)
        {
            // Part of a response is out; cutting the connection is the only honest signal left.
            context.Abort();
            return;
        }

        if (cause is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge",
                "request body is larger than the gateway accepts", CancellationToken.None);
            return;
        }

        if (cause is not TunnelProtocolException)
        {
            await WriteLostAsync(context.Response, tunnel.Identity.AgentName);
            return;
        }

        await KubernetesStatus.BadGateway(context.Response, $"agent \"{tunnel.Identity.AgentName}\" broke the tunnel protocol: {cause.Message}",
            CancellationToken.None);
    }

    private async Task SendCancelAsync(string reason)
    {
        _cancelSent = true;
        using var timeout = new CancellationTokenSource(CancelFrameTimeout);
        try
        {
            await tunnel.WriteAsync(new TunnelDown { Cancel = new Cancel { Reason = reason } }, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The stream ends right after anyway; the agent treats that as a cancel too.
        }
    }

    private static async Task ObserveAsync(Task upload) => await FailureOfAsync(upload);

    private static async Task<Exception?> FailureOfAsync(Task upload)
    {
        try
        {
            await upload;
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Caller left request {RequestId} to agent {AgentName}; cancelling")]
    private static partial void LogCallerLeft(ILogger logger, string agentName, string requestId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Agent {AgentName} broke the tunnel protocol: {Violation}")]
    private static partial void LogProtocolViolation(ILogger logger, string agentName, string violation);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Lost agent {AgentName} during request {RequestId}: {Reason}")]
    private static partial void LogAgentLost(ILogger logger, string agentName, string requestId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Agent {AgentName} reported {ErrorCode}: {ErrorMessage}")]
    private static partial void LogUpstreamFailed(ILogger logger, string agentName, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Lost agent {AgentName} before it answered read {RequestId} ({Reason}); sending it over another tunnel")]
    private static partial void LogRepeating(ILogger logger, string agentName, string requestId, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Agent {AgentName} closed the tunnel given request {RequestId} before taking it; trying another")]
    private static partial void LogClosedBeforeRequest(ILogger logger, string agentName, string requestId);
}
