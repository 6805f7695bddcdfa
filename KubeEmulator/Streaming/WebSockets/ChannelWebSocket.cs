using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Streaming.RemoteCommand;

namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// An exec or attach session over a WebSocket with the Kubernetes channel protocols: one receive loop
/// demultiplexes stdin and resize messages, writers send channel-prefixed messages one at a time.
/// </summary>
internal sealed partial class ChannelWebSocket : IRemoteCommandChannel
{
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ChannelCount = 5;
    private const byte CloseSignal = 255;

    private readonly WebSocket _socket;
    private readonly ChannelProtocol _protocol;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Pipe? _stdin;
    private readonly CancellationTokenSource _gone = new();
    private Task _receiving = Task.CompletedTask;
    private int _stdinClosed;

    public ChannelWebSocket(WebSocket socket, ChannelProtocol protocol, bool stdin, bool stdout, bool stderr, ILogger logger)
    {
        _socket = socket;
        _protocol = protocol;
        _logger = logger;
        if (stdin)
        {
            _stdin = new Pipe(new PipeOptions(pauseWriterThreshold: StreamingLimits.InboundBufferBytes, resumeWriterThreshold: StreamingLimits.InboundBufferBytes / 2, useSynchronizationContext: false));
            Stdin = _stdin.Reader.AsStream();
        }
        if (stdout) Stdout = new ChannelWriter(this, StdoutChannel);
        if (stderr) Stderr = new ChannelWriter(this, StderrChannel);
    }

    public Stream? Stdin { get; }

    public Stream? Stdout { get; }

    public Stream? Stderr { get; }

    public CancellationToken ClientGone => _gone.Token;

    /// <summary>Announces the session with an empty message on the lowest writable channel (as the kubelet does) and starts receiving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = Stdout is not null ? StdoutChannel : Stderr is not null ? StderrChannel : ErrorChannel;
        await SendAsync(first, ReadOnlyMemory<byte>.Empty, cancellationToken);
        _receiving = ReceiveAsync(cancellationToken);
    }

    public async Task WriteStatusAsync(ExitStatus status, CancellationToken cancellationToken)
    {
        var body = _protocol.StatusAsJson ? status.ToJson() : status.ToText();
        if (body.Length > 0) await SendAsync(ErrorChannel, body, cancellationToken);
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        // Whatever the client still sends on stdin is dropped from now on.
        _stdin?.Reader.Complete();
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State == WebSocketState.Open || _socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            return;
        }
        finally
        {
            _sendLock.Release();
        }
        // The client answers our close once it has read everything; only then may the connection go.
        await Task.WhenAny(_receiving, Task.Delay(StreamingLimits.FinishTimeout, cancellationToken));
    }

    private async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            do
            {
                var chunk = data[..Math.Min(data.Length, StreamingLimits.WriteChunkBytes)];
                data = data[chunk.Length..];
                if (_protocol.Base64)
                {
                    var text = (char)('0' + channel) + Convert.ToBase64String(chunk.Span);
                    await _socket.SendAsync(Encoding.ASCII.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
                else
                {
                    var frame = new byte[chunk.Length + 1];
                    frame[0] = channel;
                    chunk.CopyTo(frame.AsMemory(1));
                    await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                }
            }
            while (!data.IsEmpty);
        }
        catch (WebSocketException e)
        {
            await _gone.CancelAsync();
            throw new IOException("the WebSocket to the client is closed", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (message.Length + result.Count > StreamingLimits.MaxFrameBytes)
                {
                    await RefuseAsync(WebSocketCloseStatus.MessageTooBig, $"message larger than {StreamingLimits.MaxFrameBytes} bytes", cancellationToken);
                    await AwaitCloseAsync(buffer, cancellationToken);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var ok = await OnMessageAsync(message.GetBuffer().AsMemory(0, (int)message.Length), cancellationToken);
                message.SetLength(0);
                if (!ok)
                {
                    await AwaitCloseAsync(buffer, cancellationToken);
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            LogClientGone(_logger, e.Message);
        }
        finally
        {
            CloseStdin();
            await _gone.CancelAsync();
        }
    }

    /// <summary>Routes one complete message; false when the client broke the protocol and the session must end.</summary>
    private async Task<bool> OnMessageAsync(Memory<byte> message, CancellationToken cancellationToken)
    {
        if (message.IsEmpty) return true;
        if (_protocol.SupportsClose && message.Span[0] == CloseSignal)
        {
            if (message.Length != 2 || message.Span[1] >= ChannelCount)
            {
                await RefuseAsync(WebSocketCloseStatus.ProtocolError, "a close signal names exactly one valid channel", cancellationToken);
                return false;
            }
            if (message.Span[1] == StdinChannel) CloseStdin();
            return true;
        }
        int channel = message.Span[0];
        ReadOnlyMemory<byte> payload = message[1..];
        if (_protocol.Base64)
        {
            channel -= '0';
            var decoded = new byte[payload.Length];
            if (!Convert.TryFromBase64Chars(Encoding.ASCII.GetString(payload.Span), decoded, out var length))
            {
                await RefuseAsync(WebSocketCloseStatus.InvalidPayloadData, "message is not valid base64", cancellationToken);
                return false;
            }
            payload = decoded.AsMemory(0, length);
        }
        // Output channels are write-only and resize messages change nothing here; like the kubelet, both are dropped.
        if (channel == StdinChannel && _stdin is not null && Volatile.Read(ref _stdinClosed) == 0)
        {
            await _stdin.Writer.WriteAsync(payload, cancellationToken);
        }
        return true;
    }

    private async Task RefuseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        LogProtocolError(_logger, reason);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.CloseOutputAsync(status, reason, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>After refusing a client, reads and drops what it still sends until it answers our close, so the close reaches it intact.</summary>
    private async Task AwaitCloseAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StreamingLimits.FinishTimeout);
        while (_socket.State == WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return;
        }
    }

    private void CloseStdin()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0) _stdin?.Writer.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        // Aborting ends a receive still waiting for a client that never closed.
        if (_socket.State != WebSocketState.Closed) _socket.Abort();
        await _receiving;
        await _gone.CancelAsync();
        _socket.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client went away: {Reason}")]
    private static partial void LogClientGone(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client broke the channel protocol: {Reason}")]
    private static partial void LogProtocolError(ILogger logger, string reason);

    /// <summary>The write side of one output channel.</summary>
    private sealed class ChannelWriter(ChannelWebSocket owner, byte channel) : AsyncOnlyStream
    {
        public override bool CanRead => false;

        public override bool CanWrite => true;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!buffer.IsEmpty) await owner.SendAsync(channel, buffer, cancellationToken);
        }
    }
}
