using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>
/// A bare SPDY/3.1 client for protocol tests: it writes frames exactly as told (including broken ones)
/// and reads the server's frames one by one. Header blocks are zlib-compressed without the preset
/// dictionary, which a conforming reader must accept.
/// </summary>
public sealed class SpdyTestClient(Stream stream)
{
    private readonly MemoryStream _sink = new();
    private ZLibStream? _compressor;
    private uint _nextStreamId = 1;

    public Stream Stream => stream;

    public async Task<uint> OpenStreamAsync(IEnumerable<(string Name, string Value)> headers, bool fin, CancellationToken ct)
    {
        var id = _nextStreamId;
        _nextStreamId += 2;
        var block = Compress(headers.ToList());
        var payload = new byte[10 + block.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, id);
        block.CopyTo(payload, 10);
        await SendControlAsync(1, fin ? (byte)1 : (byte)0, payload, ct);
        return id;
    }

    public async Task SendDataAsync(uint streamId, byte[] data, bool fin, CancellationToken ct)
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)((fin ? 1 : 0) << 24) | (uint)data.Length);
        data.CopyTo(frame, 8);
        await SendRawAsync(frame, ct);
    }

    public Task SendControlAsync(int type, byte flags, byte[] payload, CancellationToken ct, int version = 3)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x80000000u | ((uint)version << 16) | (uint)type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return SendRawAsync(frame, ct);
    }

    public async Task SendRawAsync(byte[] bytes, CancellationToken ct)
    {
        await stream.WriteAsync(bytes, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>The next frame from the server, or null when it closed the connection.</summary>
    public async Task<SpdyTestFrame?> ReadFrameAsync(CancellationToken ct)
    {
        var header = new byte[8];
        if (await stream.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, ct) < 8) return null;
        var first = BinaryPrimitives.ReadUInt32BigEndian(header);
        var second = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        var payload = new byte[second & 0xffffff];
        await stream.ReadExactlyAsync(payload, ct);
        var flags = (byte)(second >> 24);
        if ((first & 0x80000000) == 0) return new SpdyTestFrame(false, 0, flags, first & 0x7fffffff, payload);
        var type = (int)(first & 0xffff);
        var streamId = payload.Length >= 4 && type is 2 or 3 or 7 or 8 or 9 ? BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff : 0;
        return new SpdyTestFrame(true, type, flags, streamId, payload);
    }

    /// <summary>Reads frames, answering nothing, until one matches; fails when the connection ends first.</summary>
    public async Task<SpdyTestFrame> ExpectAsync(Func<SpdyTestFrame, bool> match, CancellationToken ct)
    {
        var seen = new List<string>();
        while (await ReadFrameAsync(ct) is { } frame)
        {
            if (match(frame)) return frame;
            seen.Add(frame.ToString());
        }
        throw new Xunit.Sdk.XunitException("connection closed before the expected frame; saw: " + string.Join("; ", seen));
    }

    /// <summary>Collects a stream's data frames until its FIN.</summary>
    public async Task<string> ReadToFinAsync(uint streamId, CancellationToken ct)
    {
        var data = new MemoryStream();
        while (await ReadFrameAsync(ct) is { } frame)
        {
            if (frame.IsControl || frame.StreamId != streamId) continue;
            data.Write(frame.Payload);
            if ((frame.Flags & 1) != 0) return Encoding.UTF8.GetString(data.ToArray());
        }
        throw new Xunit.Sdk.XunitException($"connection closed before stream {streamId} ended; got: {Encoding.UTF8.GetString(data.ToArray())}");
    }

    private byte[] Compress(List<(string Name, string Value)> headers)
    {
        var block = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, headers.Count);
        block.Write(number);
        foreach (var (name, value) in headers)
        {
            foreach (var text in new[] { name, value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(number, bytes.Length);
                block.Write(number);
                block.Write(bytes);
            }
        }
        _compressor ??= new ZLibStream(_sink, CompressionLevel.Optimal, leaveOpen: true);
        _sink.SetLength(0);
        _compressor.Write(block.ToArray());
        _compressor.Flush();
        return _sink.ToArray();
    }
}

/// <summary>A frame read from the server; <see cref="StreamId"/> is the stream a data, SYN_REPLY, RST_STREAM or HEADERS frame is about.</summary>
public sealed record SpdyTestFrame(bool IsControl, int Type, byte Flags, uint StreamId, byte[] Payload)
{
    public const int SynReply = 2;
    public const int RstStream = 3;
    public const int Ping = 6;
    public const int GoAway = 7;

    public uint Status => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)) : 0;

    public override string ToString() => IsControl ? $"control {Type} flags {Flags} stream {StreamId} status {Status}" : $"data stream {StreamId} flags {Flags} {Payload.Length} bytes";
}
