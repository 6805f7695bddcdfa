using System.Buffers.Binary;
using System.IO.Compression;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// The receiving half of a connection's header compression. Clients compress every header block of a
/// connection as one zlib stream primed with <see cref="SpdyDictionary"/>. .NET's inflater cannot be
/// given a preset dictionary, but a dictionary is nothing more than history the first block may refer
/// back to: the raw deflate data is inflated behind a stored (uncompressed) block holding the
/// dictionary, whose output is skipped, so back-references into it resolve exactly as zlib's would.
/// </summary>
internal sealed class SpdyHeaderDecompressor : IDisposable
{
    private readonly PushedInput _input = new();
    private readonly int _maxBlockBytes;
    private DeflateStream? _inflater;

    public SpdyHeaderDecompressor(int maxBlockBytes)
    {
        _maxBlockBytes = maxBlockBytes;
    }

    /// <summary>Inflates the next compressed header block of the connection.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        if (_inflater is null) compressed = Start(compressed);
        _input.Push(compressed.ToArray());
        using var output = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = _inflater!.Read(buffer)) > 0)
            {
                if (output.Length + read > _maxBlockBytes) throw new SpdyProtocolException($"header block inflates to more than {_maxBlockBytes} bytes");
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SpdyProtocolException($"header block is not valid zlib data: {e.Message}");
        }
        return output.ToArray();
    }

    private ReadOnlySpan<byte> Start(ReadOnlySpan<byte> compressed)
    {
        if (compressed.Length < 2) throw new SpdyProtocolException("first header block is too short for a zlib header");
        int cmf = compressed[0], flg = compressed[1];
        if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0) throw new SpdyProtocolException("first header block does not start with a zlib header");
        _inflater = new DeflateStream(_input, CompressionMode.Decompress);
        if ((flg & 0x20) == 0) return compressed[2..];
        if (compressed.Length < 6) throw new SpdyProtocolException("first header block is too short for its zlib dictionary id");
        var dictionaryId = BinaryPrimitives.ReadUInt32BigEndian(compressed[2..]);
        if (dictionaryId != SpdyDictionary.Adler32) throw new SpdyProtocolException($"header compression uses an unknown preset dictionary {dictionaryId:x8}");
        var dictionary = SpdyDictionary.Bytes;
        var stored = new byte[5 + dictionary.Length];
        // BFINAL=0, BTYPE=00 (stored), then LEN and its one's complement NLEN, little-endian.
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(1), (ushort)dictionary.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(3), (ushort)~dictionary.Length);
        dictionary.CopyTo(stored, 5);
        _input.Push(stored);
        _inflater.ReadExactly(new byte[dictionary.Length]);
        return compressed[6..];
    }

    public void Dispose() => _inflater?.Dispose();

    /// <summary>Input fed block by block; reading past what was pushed returns 0 until more arrives.</summary>
    private sealed class PushedInput : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private byte[]? _current;
        private int _offset;

        public void Push(byte[] chunk)
        {
            if (chunk.Length > 0) _chunks.Enqueue(chunk);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_current is null || _offset == _current.Length)
            {
                if (!_chunks.TryDequeue(out _current)) return 0;
                _offset = 0;
            }
            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
