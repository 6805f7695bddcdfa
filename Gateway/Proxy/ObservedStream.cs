namespace Plural.Gateway.Proxy;

/// <summary>
/// A proxied request's body, or its response's, passed through unchanged (nothing is buffered) while counting the
/// bytes that moved and when they last moved. One wraps each body; metrics, the audit trail and the idle deadline
/// all read these counters. After a switch of protocols the upgraded connection's bytes are added here too
/// (<see cref="CountingUpgradeFeature"/>), so an exec or port-forward session is measured like any other request.
/// </summary>
internal sealed class ObservedStream(Stream inner, TimeProvider clock) : Stream
{
    private readonly long _created = clock.GetTimestamp();
    private long _bytes;
    private long _lastActivity;

    /// <summary>Bytes read from the stream (a request body) or written to it (a response body).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last read that returned bytes or the last write; the creation time before either.</summary>
    public long LastActivity => Math.Max(_created, Volatile.Read(ref _lastActivity));

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Received(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Received(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Moved(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Moved(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // A read counts as activity only when it returned bytes; a write always does, even an empty one.
    private int Received(int read)
    {
        if (read > 0)
        {
            Moved(read);
        }

        return read;
    }

    /// <summary>Counts <paramref name="count"/> bytes that moved on this body's behalf elsewhere (an upgraded connection).</summary>
    public void Moved(int count)
    {
        Interlocked.Add(ref _bytes, count);
        Volatile.Write(ref _lastActivity, clock.GetTimestamp());
    }
}
