using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Streaming.Spdy;

namespace Plural.KubeEmulator.Streaming.PortForward;

/// <summary>
/// The kubelet's side of <c>portforward.k8s.io</c>: for every local connection the client opens an
/// error stream and a data stream sharing a <c>requestID</c> and <c>port</c>. Once both are there the
/// data stream is connected to <see cref="PodPortServer"/>; failures are written to the error stream.
/// A pair still incomplete after the stream creation timeout is abandoned with an error.
/// </summary>
internal sealed partial class PortForwardSession : ISpdyStreamAcceptor
{
    private readonly SpdyConnection _connection;
    private readonly PortForwardTarget _target;
    private readonly StreamingTimeouts _timeouts;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Pair> _pairs = new(StringComparer.Ordinal);
    private readonly List<Task> _forwards = [];
    private readonly CancellationTokenSource _stop = new();

    public PortForwardSession(SpdyConnection connection, PortForwardTarget target, StreamingTimeouts timeouts, ILogger logger)
    {
        _connection = connection;
        _target = target;
        _timeouts = timeouts;
        _logger = logger;
    }

    /// <summary>Serves the connection until the client closes it; every forwarded connection is ended with it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.RunAsync(this, cancellationToken);
        }
        finally
        {
            await _stop.CancelAsync();
            Task[] forwards;
            lock (_pairs) forwards = [.. _forwards];
            await Task.WhenAll(forwards);
        }
    }

    public string? Validate(IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue("port", out var port) || port.Length == 0) return "\"port\" header is required";
        if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return $"unable to parse \"{port}\" as a port";
        if (number < 1) return $"port \"{port}\" must be > 0";
        if (!headers.TryGetValue("streamtype", out var type) || type.Length == 0) return "\"streamType\" header is required";
        return type is "error" or "data" ? null : $"invalid stream type \"{type}\"";
    }

    public void Accepted(SpdyStream stream)
    {
        var type = stream.Header("streamtype")!;
        // Clients older than requestID pair streams by id: error n, data n+2.
        var requestId = stream.Header("requestid") is { Length: > 0 } id
            ? id
            : (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);
        if (type == "error") stream.DiscardInbound();
        lock (_pairs)
        {
            if (!_pairs.TryGetValue(requestId, out var pair))
            {
                pair = new Pair(requestId);
                _pairs[requestId] = pair;
                Track(ExpireAsync(pair));
            }
            if ((type == "error" ? pair.Error : pair.Data) is not null)
            {
                Track(RejectAsync(stream, pair, $"error processing stream for request {requestId}: {type} stream already assigned"));
                return;
            }
            if (type == "error") pair.Error = stream;
            else pair.Data = stream;
            if (pair.Error is not null && pair.Data is not null)
            {
                pair.Complete.TrySetResult();
                Track(ForwardAsync(pair));
            }
        }
    }

    private void Track(Task task)
    {
        _forwards.RemoveAll(t => t.IsCompleted);
        _forwards.Add(task);
    }

    private async Task ForwardAsync(Pair pair)
    {
        var data = pair.Data!;
        var error = pair.Error!;
        var port = int.Parse(data.Header("port")!, CultureInfo.InvariantCulture);
        try
        {
            if (!_target.IsRunning())
            {
                await ReportAsync(error, port, "pod is not running", closeConnection: true);
                return;
            }
            await PodPortServer.ServeAsync(data, _target.Namespace, _target.PodName, port, _target.Time, _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client reset the stream or closed the connection; nothing to report to anyone.
        }
        catch (Exception e)
        {
            LogForwardFailed(_logger, e, port);
            await ReportAsync(error, port, e.Message, closeConnection: true);
        }
        finally
        {
            await CloseQuietlyAsync(data);
            await CloseQuietlyAsync(error);
            lock (_pairs) _pairs.Remove(pair.RequestId);
        }
    }

    private async Task ExpireAsync(Pair pair)
    {
        try
        {
            await pair.Complete.Task.WaitAsync(_timeouts.StreamCreation, _stop.Token);
        }
        catch (TimeoutException)
        {
            LogPairTimedOut(_logger, pair.RequestId);
            SpdyStream? error;
            SpdyStream? data;
            lock (_pairs)
            {
                _pairs.Remove(pair.RequestId);
                (error, data) = (pair.Error, pair.Data);
            }
            if (error is not null)
            {
                await WriteQuietlyAsync(error, $"timed out waiting for streams of request {pair.RequestId}");
                await CloseQuietlyAsync(error);
            }
            if (data is not null) await ResetQuietlyAsync(data);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RejectAsync(SpdyStream duplicate, Pair pair, string message)
    {
        LogDuplicate(_logger, message);
        if (pair.Error is { } error) await WriteQuietlyAsync(error, message);
        await ResetQuietlyAsync(duplicate);
    }

    /// <summary>The kubelet's error report: JSON telling the client what failed and whether to drop the whole connection.</summary>
    private Task ReportAsync(SpdyStream error, int port, string reason, bool closeConnection)
    {
        var message = $"error forwarding port {port} to pod {_target.PodName}, uid {_target.Uid}: {reason}";
        var body = new JsonObject { ["closeConnection"] = closeConnection, ["message"] = message };
        return WriteQuietlyAsync(error, body.ToJsonString() + "\n");
    }

    private async Task WriteQuietlyAsync(SpdyStream stream, string text)
    {
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    private async Task CloseQuietlyAsync(SpdyStream stream)
    {
        try
        {
            await stream.CloseWriteAsync(_stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    private async Task ResetQuietlyAsync(SpdyStream stream)
    {
        try
        {
            await stream.ResetAsync(SpdyFrameType.Cancel, _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Port-forward request {RequestId} timed out waiting for its streams")]
    private static partial void LogPairTimedOut(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Port-forward stream refused: {Reason}")]
    private static partial void LogDuplicate(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Forwarding to port {Port} failed")]
    private static partial void LogForwardFailed(ILogger logger, Exception exception, int port);

    /// <summary>The error and data streams of one forwarded connection.</summary>
    private sealed class Pair(string requestId)
    {
        public string RequestId { get; } = requestId;

        public SpdyStream? Error { get; set; }

        public SpdyStream? Data { get; set; }

        public TaskCompletionSource Complete { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
