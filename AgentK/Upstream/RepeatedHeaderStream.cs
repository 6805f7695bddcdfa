using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Plural.AgentK.Upstream;

/// <summary>
/// The plaintext side of an HTTP/1.1 upstream connection that writes some headers as several lines. .NET's
/// HttpClient always joins a header's values into one line, but Kubernetes reads each <c>Impersonate-Group</c>
/// (and <c>Impersonate-Extra-*</c>) line as one value, so "a, b" would be a single group. The forwarder sends such
/// values as one marker header, <c>Plural-Repeat-{Name}: base64url(JSON array)</c>, and this stream expands it
/// into one <c>{Name}: value</c> line per value.
/// </summary>
/// <remarks>
/// Only request heads are rewritten. The stream follows HTTP/1.1 framing of what HttpClient writes (a head, then a
/// Content-Length or chunked body, then the next head), so body bytes are never inspected; after a request that
/// asks for an upgrade everything passes through untouched.
/// </remarks>
internal sealed class RepeatedHeaderStream(Stream inner) : Stream
{
    /// <summary>Prefix of the marker header that this stream expands.</summary>
    public const string MarkerPrefix = "Plural-Repeat-";

    private const int MaxHeadBytes = 256 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly MemoryStream _head = new();
    private State _state = State.Head;
    private long _bodyLeft;
    private readonly MemoryStream _chunkLine = new();

    private enum State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Passthrough }

    /// <summary>The marker header that carries <paramref name="values"/> for header <paramref name="name"/>.</summary>
    public static (string Name, string Value) Marker(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            RejectLineBreak(name, value);
        }

        return (MarkerPrefix + name, Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(values.ToArray(), HeaderValuesJson.Default.StringArray)));
    }

    /// <summary>Refuses a value that would end its header line early and start another one of the caller's making.</summary>
    public static void RejectLineBreak(string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new RequestRejectedException($"a value of header {name} contains a line break");
        }
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var output = new ArrayBufferWriter<byte>(buffer.Length + 256);
        Transform(buffer.Span, output);
        if (output.WrittenCount > 0)
        {
            await inner.WriteAsync(output.WrittenMemory, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Runs the framing state machine over <paramref name="input"/>, writing the (rewritten) bytes.</summary>
    internal void Transform(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        while (!input.IsEmpty)
        {
            switch (_state)
            {
                case State.Passthrough:
                    output.Write(input);
                    return;
                case State.Head:
                    input = ConsumeHead(input, output);
                    break;
                case State.FixedBody or State.ChunkData:
                    var take = (int)Math.Min(_bodyLeft, input.Length);
                    output.Write(input[..take]);
                    input = input[take..];
                    _bodyLeft -= take;
                    if (_bodyLeft == 0)
                    {
                        _state = _state == State.FixedBody ? State.Head : State.ChunkDataEnd;
                    }

                    break;
                default:
                    input = ConsumeChunkFraming(input, output);
                    break;
            }
        }
    }

    private ReadOnlySpan<byte> ConsumeHead(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        // The end marker may straddle writes: look for it in what is buffered plus the new bytes.
        var before = (int)_head.Length;
        _head.Write(input);
        var buffered = _head.GetBuffer().AsSpan(0, (int)_head.Length);
        var end = buffered[Math.Max(0, before - 3)..].IndexOf(HeadEnd);
        if (end < 0)
        {
            if (_head.Length > MaxHeadBytes)
            {
                throw new IOException("request head too large to rewrite");
            }

            return [];
        }

        var headLength = Math.Max(0, before - 3) + end + HeadEnd.Length;
        var head = Encoding.ASCII.GetString(buffered[..headLength]);
        var rest = input[(headLength - before)..];
        _head.SetLength(0);
        output.Write(Encoding.ASCII.GetBytes(Rewrite(head, out var framing, out var length)));
        (_state, _bodyLeft) = (framing, length);
        return rest;
    }

    private static string Rewrite(string head, out State framing, out long length)
    {
        var lines = head[..^4].Split("\r\n");
        var result = new StringBuilder(head.Length + 128);
        framing = State.Head;
        length = 0;
        var upgrade = false;
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon] : "";
            var value = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (name.StartsWith(MarkerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var item in DecodeMarker(value))
                {
                    result.Append(name.AsSpan(MarkerPrefix.Length)).Append(": ").Append(item).Append("\r\n");
                }

                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var contentLength) && contentLength > 0)
            {
                framing = State.FixedBody;
                length = contentLength;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                framing = State.ChunkSize;
            }
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = true;
            }

            result.Append(line).Append("\r\n");
        }

        if (upgrade)
        {
            // After a switch of protocols the connection no longer carries HTTP.
            (framing, length) = (State.Passthrough, 0);
        }

        return result.Append("\r\n").ToString();
    }

    private static string[] DecodeMarker(string value) =>
        JsonSerializer.Deserialize(Base64Url.DecodeFromChars(value), HeaderValuesJson.Default.StringArray) ?? [];

    /// <summary>Chunk-size lines, the CRLF after chunk data, and the trailer section after the last chunk.</summary>
    private ReadOnlySpan<byte> ConsumeChunkFraming(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var newline = input.IndexOf((byte)'\n');
        if (newline < 0)
        {
            _chunkLine.Write(input);
            output.Write(input);
            return [];
        }

        _chunkLine.Write(input[..(newline + 1)]);
        output.Write(input[..(newline + 1)]);
        var line = Encoding.ASCII.GetString(_chunkLine.GetBuffer(), 0, (int)_chunkLine.Length).TrimEnd('\r', '\n');
        _chunkLine.SetLength(0);
        switch (_state)
        {
            case State.ChunkSize:
                var size = Convert.ToInt64(line.Split(';')[0].Trim(), 16);
                (_state, _bodyLeft) = size == 0 ? (State.Trailers, 0) : (State.ChunkData, size);
                break;
            case State.ChunkDataEnd:
                _state = State.ChunkSize;
                break;
            case State.Trailers when line.Length == 0:
                _state = State.Head;
                break;
        }

        return input[(newline + 1)..];
    }
}
