using System.Buffers.Binary;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// The sending half of a <see cref="SpdyConnection"/>: frames go out whole and one at a time, and header
/// blocks are compressed under the same lock, since the client inflates them in the order they arrive.
/// A write that fails or is abandoned half way breaks the framing, so it gives up the whole connection.
/// </summary>
internal sealed class SpdyFrameWriter(Stream transport, CancellationTokenSource connectionClosed) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SpdyHeaderCompressor _compressor = new();

    public async ValueTask SendDataAsync(uint streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
    {
        do
        {
            var chunk = data[..Math.Min(data.Length, StreamingLimits.WriteChunkBytes)];
            data = data[chunk.Length..];
            var frame = new byte[8 + chunk.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7fffffff);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)((fin && data.IsEmpty ? SpdyFrameType.FlagFin : 0) << 24) | (uint)chunk.Length);
            chunk.CopyTo(frame.AsMemory(8));
            await WriteAsync(frame, cancellationToken);
        }
        while (!data.IsEmpty);
    }

    /// <summary>SYN_REPLY with no headers, which is all a Kubernetes client expects.</summary>
    public async ValueTask SendReplyAsync(uint streamId, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var block = _compressor.Compress(SpdyHeaderBlock.Encode([]));
            var payload = new byte[4 + block.Length];
            BinaryPrimitives.WriteUInt32BigEndian(payload, streamId & 0x7fffffff);
            block.CopyTo(payload, 4);
            await WriteLockedAsync(Control(SpdyFrameType.SynReply, payload), cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask SendResetAsync(uint streamId, uint status, CancellationToken cancellationToken) =>
        WriteAsync(Control(SpdyFrameType.RstStream, TwoWords(streamId & 0x7fffffff, status)), cancellationToken);

    public ValueTask SendGoAwayAsync(uint lastGoodStreamId, uint status, CancellationToken cancellationToken) =>
        WriteAsync(Control(SpdyFrameType.GoAway, TwoWords(lastGoodStreamId, status)), cancellationToken);

    public ValueTask SendPingAsync(ReadOnlySpan<byte> id, CancellationToken cancellationToken) =>
        WriteAsync(Control(SpdyFrameType.Ping, id), cancellationToken);

    private static byte[] TwoWords(uint first, uint second)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, first);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), second);
        return payload;
    }

    private static byte[] Control(ushort type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x80000000u | ((uint)SpdyFrameType.Version << 16) | type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(8));
        return frame;
    }

    private async ValueTask WriteAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await WriteLockedAsync(frame, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async ValueTask WriteLockedAsync(byte[] frame, CancellationToken cancellationToken)
    {
        // A client that stops reading must not hold a writer once the connection is given up.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectionClosed.Token);
        try
        {
            await transport.WriteAsync(frame, linked.Token);
            await transport.FlushAsync(linked.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            await connectionClosed.CancelAsync();
            if (e is IOException or OperationCanceledException) throw;
            throw new IOException("the connection to the client is closed", e);
        }
    }

    /// <summary>Releases the compressor once no write holds it (or after a bounded wait).</summary>
    public async ValueTask DisposeAsync()
    {
        if (await _lock.WaitAsync(TimeSpan.FromSeconds(5))) _compressor.Dispose();
    }
}
