using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// An upstream connection after a switch of protocols (exec, attach, port-forward): bytes from the gateway's
/// body frames go to the upstream, bytes from the upstream go back as body frames. Either side ending ends both;
/// the gateway then hears <c>end</c>.
/// </summary>
internal sealed class UpgradedConnection(Stream upstream, TunnelFrameReader reader, IClientStreamWriter<TunnelUp> tunnel, int chunkSize, ILogger logger)
{
    public async Task RunAsync(string requestId, CancellationToken exchange, CancellationToken abort)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(exchange);
        var down = CopyDownAsync(session);
        try
        {
            await CopyUpAsync(session.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The upstream closed or the gateway side ended: both end the upgraded session normally.
        }
        finally
        {
            await session.CancelAsync();
            await Quietly(down);
        }

        reader.Finish();
        TunnelLog.UpgradeEnded(logger, requestId);
        if (reader.Interruption == TunnelInterruption.None && !abort.IsCancellationRequested)
        {
            await tunnel.WriteAsync(new TunnelUp { End = new ResponseEnd() }, abort);
        }
    }

    private async Task CopyUpAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            int read;
            while ((read = await upstream.ReadAsync(buffer.AsMemory(0, chunkSize), ct)) > 0)
            {
                await tunnel.WriteAsync(new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFrom(buffer, 0, read) } }, ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CopyDownAsync(CancellationTokenSource session)
    {
        try
        {
            await foreach (var chunk in reader.Body.ReadAllAsync(session.Token))
            {
                await upstream.WriteAsync(chunk, session.Token);
                ReceivedBody.Return(chunk);
                await upstream.FlushAsync(session.Token);
            }
        }
        finally
        {
            // The gateway's end (or loss) closes the upstream connection, which ends the upward copy too.
            await session.CancelAsync();
        }
    }

    private static async Task Quietly(Task copy)
    {
        try
        {
            await copy;
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or TunnelInterruptedException or System.Threading.Channels.ChannelClosedException)
        {
        }
    }
}
