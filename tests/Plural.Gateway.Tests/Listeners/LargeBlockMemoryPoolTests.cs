using Plural.Protocol.Hosting;

namespace Plural.Gateway.Tests.Listeners;

/// <summary>
/// The pool Kestrel reads sockets into when <c>Gateway:Limits:ReceiveBlockBytes</c> is above 4 KiB: whole blocks
/// whatever the size asked for, reused once returned, never handed out twice, and bounded in what it keeps.
/// </summary>
public sealed class LargeBlockMemoryPoolTests
{
    private const int BlockBytes = 64 * 1024;

    [Fact]
    public void A_rent_of_any_size_up_to_a_block_gets_a_whole_block()
    {
        using var pool = new LargeBlockMemoryPool(BlockBytes, retained: 4);

        using var small = pool.Rent(2048);
        using var unspecified = pool.Rent();

        Assert.Equal(BlockBytes, small.Memory.Length);
        Assert.Equal(BlockBytes, unspecified.Memory.Length);
        Assert.Equal(BlockBytes, pool.MaxBufferSize);
    }

    [Fact]
    public void A_returned_block_is_reused_and_a_block_in_use_is_never_handed_out_again()
    {
        using var pool = new LargeBlockMemoryPool(BlockBytes, retained: 4);
        var first = pool.Rent(4096);
        first.Memory.Span[0] = 42;
        using var second = pool.Rent(4096);
        Assert.NotEqual(Array(first), Array(second));

        var returned = Array(first);
        first.Dispose();
        first.Dispose(); // a second dispose must not return the block twice
        using var third = pool.Rent(4096);
        using var fourth = pool.Rent(4096);

        Assert.Same(returned, Array(third));
        Assert.NotSame(returned, Array(fourth));
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void A_rent_larger_than_a_block_gets_its_own_array_which_is_not_kept()
    {
        using var pool = new LargeBlockMemoryPool(BlockBytes, retained: 4);
        var large = pool.Rent(BlockBytes + 1);
        var array = Array(large);
        Assert.True(large.Memory.Length >= BlockBytes + 1);

        large.Dispose();
        using var next = pool.Rent(BlockBytes + 1);

        Assert.NotSame(array, Array(next));
    }

    [Fact]
    public void The_pool_keeps_no_more_blocks_than_it_may_retain()
    {
        using var pool = new LargeBlockMemoryPool(BlockBytes, retained: 2);
        var rented = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();
        var arrays = rented.Select(Array).ToList();
        rented.ForEach(r => r.Dispose());

        var again = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();

        Assert.Equal(2, again.Count(r => arrays.Contains(Array(r))));
        again.ForEach(r => r.Dispose());
    }

    private static byte[] Array(System.Buffers.IMemoryOwner<byte> owner) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(owner.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException();
}
