using System.Buffers.Binary;
using System.Text;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// The uncompressed name/value block of SYN_STREAM, SYN_REPLY and HEADERS: a 32-bit pair count, then
/// each name and value with a 32-bit length. Values with several parts separate them with NUL.
/// </summary>
internal static class SpdyHeaderBlock
{
    public const int MaxPairs = 100;

    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var size = 4 + headers.Sum(h => 8 + Encoding.UTF8.GetByteCount(h.Key) + Encoding.UTF8.GetByteCount(h.Value));
        var block = new byte[size];
        BinaryPrimitives.WriteInt32BigEndian(block, headers.Count);
        var at = 4;
        foreach (var (name, value) in headers)
        {
            at = Put(block, at, name.ToLowerInvariant());
            at = Put(block, at, value);
        }
        return block;

        static int Put(byte[] block, int at, string text)
        {
            var length = Encoding.UTF8.GetBytes(text, block.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32BigEndian(block.AsSpan(at), length);
            return at + 4 + length;
        }
    }

    /// <summary>Parses a block that must be consumed exactly; names are compared case-insensitively.</summary>
    public static IReadOnlyDictionary<string, string> Decode(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var count = ReadLength(ref block, "header count");
        if (count > MaxPairs) throw new SpdyProtocolException($"header block has {count} pairs; at most {MaxPairs} are accepted");
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block, "header name");
            if (name.Length == 0) throw new SpdyProtocolException("header block has an empty header name");
            var value = ReadString(ref block, "header value");
            // Several values travel NUL-separated; the streaming headers are single-valued, so the first one counts.
            headers[name] = value.Split('\0')[0];
        }
        if (!block.IsEmpty) throw new SpdyProtocolException($"header block has {block.Length} bytes after its last pair");
        return headers;
    }

    private static int ReadLength(ref ReadOnlySpan<byte> block, string what)
    {
        if (block.Length < 4) throw new SpdyProtocolException($"header block ends inside the {what}");
        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value > int.MaxValue ? int.MaxValue : (int)value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block, string what)
    {
        var length = ReadLength(ref block, what + " length");
        if (length > block.Length) throw new SpdyProtocolException($"header block ends inside a {what}");
        var text = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return text;
    }
}
