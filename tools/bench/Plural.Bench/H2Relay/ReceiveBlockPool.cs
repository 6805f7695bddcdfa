using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Plural.Bench.H2Relay;

/// <summary>
/// The gateway's Kestrel memory pool (<c>Gateway/Listeners/LargeBlockMemoryPool.cs</c>, internal to the gateway, so
/// repeated here): blocks of <see cref="RelayHttp2Settings.GatewayReceiveBlockBytes"/> instead of Kestrel's 4 KiB, so that
/// one socket read takes what the socket has rather than 2 KiB on average. The gateway side reads with the same blocks
/// as the gateway, or the route would measure Kestrel's small reads rather than the framing.
/// </summary>
public sealed class ReceiveBlockPool(int blockBytes, int retained) : MemoryPool<byte>
{
    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;

    /// <inheritdoc />
    public override int MaxBufferSize => blockBytes;

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > blockBytes)
        {
            return new Block(this, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true), pooled: false);
        }

        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCount);
            return new Block(this, array, pooled: true);
        }

        // Pinned: sockets pin what they read into.
        return new Block(this, GC.AllocateUninitializedArray<byte>(blockBytes, pinned: true), pooled: true);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(byte[] array)
    {
        if (Interlocked.Increment(ref _freeCount) <= retained)
        {
            _free.Enqueue(array);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block(ReceiveBlockPool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned && pooled)
            {
                pool.Return(returned);
            }
        }
    }
}

/// <summary>Gives Kestrel <see cref="ReceiveBlockPool"/>s, as the gateway's <c>LargeBlockMemoryPoolFactory</c> does.</summary>
public sealed class ReceiveBlockPoolFactory(int blockBytes, int retained) : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new ReceiveBlockPool(blockBytes, retained);
}
