using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// The framing shared by the Kubernetes channel protocols: each message carries one channel's data,
/// prefixed by the channel number (binary), or by the channel as an ASCII digit followed by base64
/// (text). Sends are serialized; one receive loop hands whole messages to the session.
/// </summary>
internal sealed partial class ChannelConnection(WebSocket socket, bool base64, ILogger logger)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public WebSocket Socket => socket;

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            do
            {
                var chunk = data[..Math.Min(data.Length, StreamingLimits.WriteChunkBytes)];
                data = data[chunk.Length..];
                if (base64)
                {
                    var text = (char)('0' + channel) + Convert.ToBase64String(chunk.Span);
                    await socket.SendAsync(Encoding.ASCII.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
                else
                {
                    var frame = new byte[chunk.Length + 1];
                    frame[0] = channel;
                    chunk.CopyTo(frame.AsMemory(1));
                    await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                }
            }
            while (!data.IsEmpty);
        }
        catch (WebSocketException e)
        {
            throw new IOException("the WebSocket to the client is closed", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Hands every message to <paramref name="onMessage"/> as (channel, payload) until the client closes or
    /// the connection drops. A non-null answer from the handler is a protocol violation: the connection is
    /// closed with that reason. Oversized and undecodable messages are refused the same way.
    /// </summary>
    public async Task ReceiveAsync(Func<byte, ReadOnlyMemory<byte>, CancellationToken, ValueTask<string?>> onMessage, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (message.Length + result.Count > StreamingLimits.MaxFrameBytes)
                {
                    await RefuseAsync(WebSocketCloseStatus.MessageTooBig, $"message larger than {StreamingLimits.MaxFrameBytes} bytes", buffer, cancellationToken);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var bytes = message.GetBuffer().AsMemory(0, (int)message.Length);
                message.SetLength(0);
                if (bytes.IsEmpty) continue;
                var channel = bytes.Span[0];
                ReadOnlyMemory<byte> payload = bytes[1..];
                if (base64)
                {
                    var decoded = new byte[payload.Length];
                    if (!Convert.TryFromBase64Chars(Encoding.ASCII.GetString(payload.Span), decoded, out var length))
                    {
                        await RefuseAsync(WebSocketCloseStatus.InvalidPayloadData, "message is not valid base64", buffer, cancellationToken);
                        return;
                    }
                    (channel, payload) = ((byte)(channel - '0'), decoded.AsMemory(0, length));
                }
                if (await onMessage(channel, payload, cancellationToken) is { } violation)
                {
                    await RefuseAsync(WebSocketCloseStatus.ProtocolError, violation, buffer, cancellationToken);
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            LogClientGone(logger, e.Message);
        }
    }

    /// <summary>Sends our close; the client's answer ends the receive loop.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            // Already gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Ends a connection whose client has not closed it; a receive still waiting fails at once.</summary>
    public void Abort()
    {
        if (socket.State != WebSocketState.Closed) socket.Abort();
    }

    /// <summary>Closes with a protocol error and drops what the client still sends until it answers, so the close reaches it intact.</summary>
    private async Task RefuseAsync(WebSocketCloseStatus status, string reason, byte[] buffer, CancellationToken cancellationToken)
    {
        LogProtocolError(logger, reason);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.CloseOutputAsync(status, reason, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StreamingLimits.FinishTimeout);
        while (socket.State == WebSocketState.CloseSent)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client went away: {Reason}")]
    private static partial void LogClientGone(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client broke the channel protocol: {Reason}")]
    private static partial void LogProtocolError(ILogger logger, string reason);
}
