using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Plural.Gateway.Listeners;
using Plural.Protocol.Agent;

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
        _upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade ? upgrade : null;
        // Nothing is read from the caller before a switch of protocols, nor from a request without a body.
        var replayable = _upgrade is not null || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
        try
        {
            await tunnel.WriteAsync(new TunnelDown { RequestHead = Head(route) }, exchange.Token);
            // An upgrade has no body before the switch; afterwards bytes flow both ways (see PumpUpgradedAsync).
            upload = _upgrade is null ? UploadAsync(exchange) : Task.CompletedTask;
            await DownloadAsync(exchange);
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
            tunnel.Release(streamFailure);
        }

        return true;
    }

    /// <summary>
    /// A read (GET, HEAD, OPTIONS) without a body whose agent went away before any of the answer reached the caller
    /// goes to another tunnel: repeating a read changes nothing, and with several agent replicas the caller never
    /// sees one of them die. Upgrades (exec, attach) are never repeated, since their command would run twice.
    /// </summary>
    private bool MayRepeat(bool mayRetry, bool replayable) =>
        mayRetry && replayable && _upgrade is null && !_responseStarted && !context.RequestAborted.IsCancellationRequested
        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));

    private RequestHead Head(TunnelRoute route)
    {
        var request = context.Request;
        var head = new RequestHead
        {
            RequestId = context.TraceIdentifier,
            Method = request.Method,
            Path = route.Path,
            Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            ContentLength = _upgrade is null ? request.ContentLength ?? -1 : 0,
            Upgrade = _upgrade is not null,
            Target = route.Target,
            Impersonation = route.Impersonation,
        };
        head.Headers.AddRange(HttpHeaderFilter.ForAgent(request.Headers, head.Upgrade));
        return head;
    }

    private async Task UploadAsync(CancellationTokenSource exchange)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        var writing = Task.CompletedTask;
        try
        {
            // The next chunk is read while the previous frame is written (each frame owns a copy of its bytes);
            // one frame at most waits for the agent, which bounds memory.
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(0, chunkSize), exchange.Token)) > 0)
            {
                var chunk = new BodyChunk { Data = ByteString.CopyFrom(buffer, 0, read) };
                await writing;
                writing = tunnel.WriteAsync(new TunnelDown { Body = chunk }, exchange.Token).AsTask();
            }

            await writing;
            await tunnel.WriteAsync(new TunnelDown { End = new RequestEnd() }, exchange.Token);
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
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

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
                    // Headers go out at once: a watch or log follower may not send a body byte for minutes.
                    await response.StartAsync(ct);
                    break;
                case TunnelUp.FrameOneofCase.Body when _responseStarted:
                    await response.Body.WriteAsync(frame.Body.Data.Memory, ct);
                    break;
                case TunnelUp.FrameOneofCase.End when _responseStarted:
                    if (frame.End.Trailers.Count > 0 && response.SupportsTrailers())
                    {
                        foreach (var trailer in frame.End.Trailers)
                        {
                            response.AppendTrailer(trailer.Name, new([.. trailer.Values]));
                        }
                    }

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

        var message = cause is TunnelProtocolException
            ? $"agent \"{tunnel.Identity.AgentName}\" broke the tunnel protocol: {cause.Message}"
            : $"connection to agent \"{tunnel.Identity.AgentName}\" was lost before it answered";
        await KubernetesStatus.BadGateway(context.Response, message, CancellationToken.None);
    }

    private async Task SendCancelAsync(string reason)
    {
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
