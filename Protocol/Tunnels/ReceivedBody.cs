using System.Buffers;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Plural.Protocol.Tunnels;

/// <summary>
/// The bytes of one received body frame, held in an array rented from the shared pool instead of a new array per
/// frame: a streamed body is otherwise a gigabyte of short-lived allocations per gigabyte moved. The frame's
/// <see cref="ByteString"/> wraps this memory; whoever consumes the frame hands it back with <see cref="Return(ByteString)"/>
/// once the bytes have been written on. A frame never handed back is left to the collector, so only a return too
/// early is a bug, and a read after the return fails instead of seeing another frame's bytes.
/// </summary>
public sealed class ReceivedBody : MemoryManager<byte>
{
    private readonly int _length;
    private byte[]? _array;

    private ReceivedBody(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>A copy of <paramref name="bytes"/> in pooled memory, wrapped for a protobuf field without another copy.</summary>
    public static ByteString CopyOf(in ReadOnlySequence<byte> bytes)
    {
        var length = checked((int)bytes.Length);
        var array = ArrayPool<byte>.Shared.Rent(length);
        bytes.CopyTo(array);
        return UnsafeByteOperations.UnsafeWrap(new ReceivedBody(array, length).Memory);
    }

    /// <summary>
    /// Gives the memory behind <paramref name="bytes"/> back to the pool when it is a received body's; anything else
    /// (an inline body, a frame built in-process) is left alone. Call it once the bytes were written on, and never read
    /// them again.
    /// </summary>
    public static void Return(ReadOnlyMemory<byte> bytes)
    {
        if (MemoryMarshal.TryGetMemoryManager(bytes, out ReceivedBody? owner))
        {
            owner.Release();
        }
    }

    /// <inheritdoc cref="Return(ReadOnlyMemory{byte})"/>
    public static void Return(ByteString bytes) => Return(bytes.Memory);

    /// <inheritdoc />
    public override Span<byte> GetSpan() =>
        (_array ?? throw new ObjectDisposedException(nameof(ReceivedBody), "the body frame was already handed back to the pool")).AsSpan(0, _length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("received body frames are not pinned");

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing) => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
