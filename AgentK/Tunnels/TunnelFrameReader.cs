using System.Threading.Channels;
using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// Reads the gateway's frames after the request head for the whole exchange: body chunks go into a
/// small bounded buffer (so HTTP/2 flow control pushes back on the gateway instead of the agent
/// buffering), <c>end</c> completes it, and <c>cancel</c>, an out-of-order frame or the stream dying
/// cancels the exchange. It keeps reading until the gateway ends the stream so that a cancel
/// arriving during the response is seen.
/// </summary>
internal sealed class TunnelFrameReader
{
    // A few chunks of up to 64 KiB: enough to keep the upstream busy, small enough to be bounded.
    private const int BufferedChunks = 4;

    private readonly IAsyncStreamReader<TunnelDown> _frames;
    private readonly CancellationTokenSource _exchange;
    private readonly CancellationTokenSource _bodyUnwanted = new();
    private readonly Channel<ReadOnlyMemory<byte>> _body = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(BufferedChunks) { SingleReader = true, SingleWriter = true });
    private volatile bool _finished;

    public TunnelFrameReader(IAsyncStreamReader<TunnelDown> frames, CancellationTokenSource exchange)
    {
        _frames = frames;
        _exchange = exchange;
    }

    /// <summary>The request body as it arrives; completes at <c>end</c>, fails on an interruption.</summary>
    public ChannelReader<ReadOnlyMemory<byte>> Body => _body.Reader;

    public TunnelInterruption Interruption { get; private set; }

    public string InterruptionDetail { get; private set; } = "";

    /// <summary>Runs until the gateway ends the stream or <paramref name="abort"/> fires.</summary>
    public async Task RunAsync(bool expectBody, CancellationToken abort)
    {
        var ended = false;
        try
        {
            while (await _frames.MoveNext(abort))
            {
                var frame = _frames.Current;
                switch (frame.FrameCase)
                {
                    case TunnelDown.FrameOneofCase.Body when !ended && expectBody:
                        await BufferAsync(frame.Body.Data.Memory);
                        break;
                    case TunnelDown.FrameOneofCase.End when !ended:
                        ended = true;
                        _body.Writer.TryComplete();
                        break;
                    case TunnelDown.FrameOneofCase.Cancel:
                        Interrupt(TunnelInterruption.Cancelled, frame.Cancel.Reason);
                        break;
                    default:
                        Interrupt(TunnelInterruption.ProtocolViolation,
                            $"unexpected {frame.FrameCase} frame {(ended ? "after the request end" : "in the request")}");
                        break;
                }
            }

            if (!_finished)
            {
                Interrupt(TunnelInterruption.GatewayGone, "the gateway ended the tunnel stream before the response was complete");
            }
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_finished)
            {
                Interrupt(TunnelInterruption.GatewayGone, "the tunnel stream failed");
            }
        }
        finally
        {
            _body.Writer.TryComplete(new TunnelInterruptedException(TunnelInterruption.GatewayGone, "the tunnel stream ended"));
        }
    }

    /// <summary>The agent has sent its last frame: later stream ends are normal, and the body is no longer read.</summary>
    public void Finish()
    {
        _finished = true;
        _bodyUnwanted.Cancel();
    }

    private async Task BufferAsync(ReadOnlyMemory<byte> chunk)
    {
        if (_bodyUnwanted.IsCancellationRequested || Interruption != TunnelInterruption.None)
        {
            return; // The upstream answered without reading the body; the rest is dropped.
        }

        try
        {
            // ByteString content is immutable, so its memory can be handed on without a copy.
            await _body.Writer.WriteAsync(chunk, _bodyUnwanted.Token);
        }
        catch (OperationCanceledException) when (_bodyUnwanted.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    private void Interrupt(TunnelInterruption interruption, string detail)
    {
        if (Interruption != TunnelInterruption.None || _finished)
        {
            return;
        }

        Interruption = interruption;
        InterruptionDetail = detail;
        _body.Writer.TryComplete(new TunnelInterruptedException(interruption, detail));
        _exchange.Cancel();
    }
}
