using System.Net;

namespace Plural.Bench.Streaming;

/// <summary>A request body of a given length written from one reused buffer, so the client spends no time producing it.</summary>
public sealed class GeneratedContent : HttpContent
{
    private static readonly byte[] Block = CreateBlock();
    private readonly long _length;

    /// <summary>A body of <paramref name="length"/> bytes, with its Content-Length set.</summary>
    public GeneratedContent(long length)
    {
        _length = length;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
    }

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (long sent = 0; sent < _length;)
        {
            var n = (int)Math.Min(Block.Length, _length - sent);
            await stream.WriteAsync(Block.AsMemory(0, n), cancellationToken);
            sent += n;
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private static byte[] CreateBlock()
    {
        var block = new byte[256 * 1024];
        Random.Shared.NextBytes(block);
        return block;
    }
}
