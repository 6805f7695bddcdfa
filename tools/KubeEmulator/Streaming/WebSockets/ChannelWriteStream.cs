namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>The write side of one output channel of a <see cref="ChannelConnection"/>.</summary>
internal sealed class ChannelWriteStream(ChannelConnection connection, byte channel) : AsyncOnlyStream
{
    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!buffer.IsEmpty) await connection.SendAsync(channel, buffer, cancellationToken);
    }
}
