using System.IO.Compression;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// The sending half of a connection's header compression: one zlib stream for the whole connection,
/// sync-flushed after each block. It uses no preset dictionary, which the SPDY readers in Go (and every
/// zlib reader) accept: the dictionary only matters when the stream header announces it.
/// </summary>
internal sealed class SpdyHeaderCompressor : IDisposable
{
    private readonly MemoryStream _sink = new();
    private readonly ZLibStream _zlib;

    public SpdyHeaderCompressor()
    {
        _zlib = new ZLibStream(_sink, CompressionLevel.Fastest, leaveOpen: true);
    }

    /// <summary>Compresses one block; callers serialize calls in the order the frames go out.</summary>
    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        _sink.SetLength(0);
        _zlib.Write(block);
        // ZLibStream.Flush is a zlib sync flush: the block is complete and byte-aligned on the wire.
        _zlib.Flush();
        return _sink.ToArray();
    }

    public void Dispose()
    {
        _zlib.Dispose();
        _sink.Dispose();
    }
}
