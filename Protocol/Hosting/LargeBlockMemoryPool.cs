using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Plural.Protocol.Hosting;

/// <summary>
/// A memory pool for Kestrel (the gateway's, and the bench's relays that stand in for it) whose blocks are larger than
/// Kestrel's own 4 KiB ones. Kestrel's socket transport reads into the free part of the current block, so with 4 KiB
/// blocks a streamed body arrives in reads of 2 KiB on average (half a million <c>recvfrom</c> calls per GiB); a larger
/// block lets one read take what the socket has. Blocks are pinned (sockets pin what they read into) and kept for
/// reuse up to <paramref name="retained"/> of them.
/// </summary>
public sealed class LargeBlockMemoryPool(int blockBytes, int retained) : MemoryPool<byte>
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

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
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

/// <summary>
/// Gives Kestrel <see cref="LargeBlockMemoryPool"/>s: registered as a service, it replaces Kestrel's own pools (the
/// gateway's <c>Gateway:Limits:ReceiveBlockBytes</c>).
/// </summary>
public sealed class LargeBlockMemoryPoolFactory(int blockBytes, int retained) : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(blockBytes, retained);
}
