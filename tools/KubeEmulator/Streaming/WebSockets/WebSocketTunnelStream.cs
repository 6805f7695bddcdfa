using System.Net.WebSockets;

namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// A byte stream carried in WebSocket binary messages, message boundaries meaning nothing: how kubectl
/// 1.31+ tunnels a SPDY port-forward connection (subprotocol <c>SPDY/3.1+portforward.k8s.io</c>).
/// The client's close message reads as end of stream; disposing closes normally.
/// </summary>
internal sealed class WebSocketTunnelStream(WebSocket socket) : AsyncOnlyStream
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseSent)) return 0;
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (WebSocketException e)
            {
                throw new IOException("the WebSocket to the client is closed", e);
            }
            if (result.MessageType == WebSocketMessageType.Close) return 0;
            if (result.MessageType != WebSocketMessageType.Binary) throw new IOException("a tunnelled connection carries binary messages only");
            // Empty messages are legal and carry nothing; keep reading rather than signalling end of stream.
            if (result.Count > 0) return result.Count;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
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

    /// <summary>Sends our close and waits (bounded) for the client's, so data already sent is not cut off.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StreamingLimits.FinishTimeout);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _sendLock.WaitAsync(timeout.Token);
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            var drain = new byte[4096];
            while (socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(drain.AsMemory(), timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Gone or too slow to answer: the connection is dropped either way.
        }
        finally
        {
            if (socket.State != WebSocketState.Closed) socket.Abort();
        }
    }
}
