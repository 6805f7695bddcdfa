namespace Plural.Gateway.Proxy;

/// <summary>
/// A stream passed through unchanged (nothing is buffered) that reports the bytes each read returned and each write
/// sent. <see cref="ObservedStream"/> keeps them as a body's counters; <see cref="UpgradedStream"/> adds an upgraded
/// connection's to its request's bodies.
/// </summary>
internal abstract class CountingPassThroughStream(Stream inner) : Stream
{
    /// <summary>The stream passed through.</summary>
    protected Stream Inner { get; } = inner;

    public override bool CanRead => Inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => Inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>A read returned <paramref name="count"/> bytes (more than 0).</summary>
    protected abstract void BytesRead(int count);

    /// <summary>A write sent <paramref name="count"/> bytes (possibly 0).</summary>
    protected abstract void BytesWritten(int count);

    public override void Flush() => Inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Received(Inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Received(await Inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Inner.Write(buffer, offset, count);
        BytesWritten(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Inner.WriteAsync(buffer, cancellationToken);
        BytesWritten(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // A read counts only when it returned bytes: 0 is the end of the stream, not activity.
    private int Received(int read)
    {
        if (read > 0)
        {
            BytesRead(read);
        }

        return read;
    }
}
