using System.Net;
using System.Threading.Channels;
using Plural.Protocol.Tunnels;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// The upstream request body, streamed from the tunnel's body frames as they arrive. Single use:
/// the forwarder never retries or redirects, so it is serialized once.
/// </summary>
internal sealed class TunnelRequestContent(ChannelReader<ReadOnlyMemory<byte>> chunks, long contentLength) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        while (await chunks.WaitToReadAsync(cancellationToken))
        {
            while (chunks.TryRead(out var chunk))
            {
                await stream.WriteAsync(chunk, cancellationToken);
                ReceivedBody.Return(chunk);
            }

            // Nothing more buffered: push what was written, a streaming caller may be waiting for it.
            await stream.FlushAsync(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = contentLength;
        return contentLength >= 0;
    }
}
