using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Streaming.RemoteCommand;

namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// An exec or attach session over a WebSocket with the Kubernetes channel protocols: stdin (0) and
/// resize (4) come in, stdout (1), stderr (2) and the status (3) go out; v5 lets the client close stdin.
/// </summary>
internal sealed class ChannelWebSocket : IRemoteCommandChannel
{
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ChannelCount = 5;
    private const byte CloseSignal = 255;

    private readonly ChannelConnection _connection;
    private readonly ChannelProtocol _protocol;
    private readonly Pipe? _stdin;
    private readonly CancellationTokenSource _gone = new();
    private Task _receiving = Task.CompletedTask;
    private int _stdinClosed;

    public ChannelWebSocket(WebSocket socket, ChannelProtocol protocol, bool stdin, bool stdout, bool stderr, ILogger logger)
    {
        _connection = new ChannelConnection(socket, protocol.Base64, logger);
        _protocol = protocol;
        if (stdin)
        {
            _stdin = new Pipe(new PipeOptions(pauseWriterThreshold: StreamingLimits.InboundBufferBytes, resumeWriterThreshold: StreamingLimits.InboundBufferBytes / 2, useSynchronizationContext: false));
            Stdin = _stdin.Reader.AsStream();
        }
        if (stdout) Stdout = new ChannelWriteStream(_connection, StdoutChannel);
        if (stderr) Stderr = new ChannelWriteStream(_connection, StderrChannel);
    }

    public Stream? Stdin { get; }

    public Stream? Stdout { get; }

    public Stream? Stderr { get; }

    public CancellationToken ClientGone => _gone.Token;

    /// <summary>Announces the session with an empty message on the lowest writable channel (as the kubelet does) and starts receiving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = Stdout is not null ? StdoutChannel : Stderr is not null ? StderrChannel : ErrorChannel;
        await _connection.SendAsync(first, ReadOnlyMemory<byte>.Empty, cancellationToken);
        _receiving = ReceiveAsync(cancellationToken);
    }

    public async Task WriteStatusAsync(ExitStatus status, CancellationToken cancellationToken)
    {
        var body = _protocol.StatusAsJson ? status.ToJson() : status.ToText();
        if (body.Length > 0) await _connection.SendAsync(ErrorChannel, body, cancellationToken);
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        // Whatever the client still sends on stdin is dropped from now on.
        _stdin?.Reader.Complete();
        await _connection.CloseAsync(cancellationToken);
        // The client answers our close once it has read everything; only then may the connection go.
        await Task.WhenAny(_receiving, Task.Delay(StreamingLimits.FinishTimeout, cancellationToken));
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.ReceiveAsync(OnMessageAsync, cancellationToken);
        }
        finally
        {
            CloseStdin();
            await _gone.CancelAsync();
        }
    }

    private async ValueTask<string?> OnMessageAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (channel == CloseSignal && _protocol.SupportsClose)
        {
            if (payload.Length != 1 || payload.Span[0] >= ChannelCount) return "a close signal names exactly one valid channel";
            if (payload.Span[0] == StdinChannel) CloseStdin();
            return null;
        }
        // Output channels are write-only and resize messages change nothing here; like the kubelet, both are dropped.
        if (channel == StdinChannel && _stdin is not null && Volatile.Read(ref _stdinClosed) == 0)
        {
            await _stdin.Writer.WriteAsync(payload, cancellationToken);
        }
        return null;
    }

    private void CloseStdin()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0) _stdin?.Writer.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        _connection.Abort();
        await _receiving;
        await _gone.CancelAsync();
        _connection.Socket.Dispose();
    }
}
