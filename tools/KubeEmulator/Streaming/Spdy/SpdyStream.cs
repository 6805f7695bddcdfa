using System.Buffers;
using System.IO.Pipelines;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// One client-opened stream of a <see cref="SpdyConnection"/>: reading returns the client's data frames
/// until its FIN (or a reset), writing sends data frames, <see cref="CloseWriteAsync"/> sends our FIN.
/// </summary>
internal sealed class SpdyStream : AsyncOnlyStream
{
    private readonly SpdyConnection _connection;
    private readonly Pipe _inbound = new(new PipeOptions(
        pauseWriterThreshold: StreamingLimits.InboundBufferBytes,
        resumeWriterThreshold: StreamingLimits.InboundBufferBytes / 2,
        useSynchronizationContext: false));
    private int _inboundDone;
    private int _readerDone;
    private int _localFinished;
    private volatile bool _reset;

    public SpdyStream(SpdyConnection connection, uint id, IReadOnlyDictionary<string, string> headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
    }

    public uint Id { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>True once the client sent its FIN or reset the stream.</summary>
    public bool RemoteFinished => Volatile.Read(ref _inboundDone) == 1;

    public bool LocalFinished => Volatile.Read(ref _localFinished) == 1 || _reset;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _readerDone) == 1 || buffer.IsEmpty) return 0;
        while (!_reset)
        {
            var result = await _inbound.Reader.ReadAsync(cancellationToken);
            var available = result.Buffer;
            if (!available.IsEmpty)
            {
                var n = (int)Math.Min(available.Length, buffer.Length);
                available.Slice(0, n).CopyTo(buffer.Span);
                _inbound.Reader.AdvanceTo(available.GetPosition(n));
                return n;
            }
            _inbound.Reader.AdvanceTo(available.End);
            if (result.IsCompleted || result.IsCanceled) return 0;
        }
        return 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_reset) throw new IOException($"stream {Id} was reset");
        if (Volatile.Read(ref _localFinished) == 1) throw new IOException($"stream {Id} is closed for writing");
        if (buffer.IsEmpty) return;
        await _connection.Writer.SendDataAsync(Id, buffer, fin: false, cancellationToken);
    }

    /// <summary>Sends our FIN: the client reads end of stream once it has read everything before it.</summary>
    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _localFinished, 1) == 1 || _reset) return;
        try
        {
            await _connection.Writer.SendDataAsync(Id, ReadOnlyMemory<byte>.Empty, fin: true, cancellationToken);
        }
        finally
        {
            ForgetIfDone();
        }
    }

    /// <summary>Abandons the stream in both directions with RST_STREAM (CANCEL).</summary>
    public async ValueTask ResetAsync(uint status, CancellationToken cancellationToken)
    {
        if (_reset) return;
        _reset = true;
        // The connection's reader owns the inbound writer; wake our reader and let frames still in flight be dropped.
        if (Volatile.Read(ref _readerDone) == 0) _inbound.Reader.CancelPendingRead();
        _connection.Forget(this);
        await _connection.Writer.SendResetAsync(Id, status, cancellationToken);
    }

    /// <summary>Drops whatever the client sends from now on (streams nobody reads, like resize or error).</summary>
    public void DiscardInbound()
    {
        if (Interlocked.Exchange(ref _readerDone, 1) == 1) return;
        _inbound.Reader.Complete();
    }

    internal async ValueTask DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (RemoteFinished || _reset || data.IsEmpty) return;
        // Waits while the reader is more than InboundBufferBytes behind; a completed reader discards.
        await _inbound.Writer.WriteAsync(data, cancellationToken);
    }

    internal void CompleteInbound()
    {
        if (Interlocked.Exchange(ref _inboundDone, 1) == 1) return;
        _inbound.Writer.Complete();
        ForgetIfDone();
    }

    internal void OnReset()
    {
        _reset = true;
        CompleteInbound();
        _connection.Forget(this);
    }

    private void ForgetIfDone()
    {
        if (RemoteFinished && LocalFinished) _connection.Forget(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DiscardInbound();
        base.Dispose(disposing);
    }
}
