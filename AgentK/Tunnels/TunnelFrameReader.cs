using System.Threading.Channels;
using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// Reads the gateway's frames after the request head for the whole exchange: body chunks go into a
/// small bounded buffer (so HTTP/2 flow control pushes back on the gateway instead of the agent
/// buffering), <c>end</c> completes it, and <c>cancel</c>, an out-of-order frame or the stream dying
/// cancels the exchange. On a stream used once it keeps reading until the gateway ends the stream so that
/// a cancel arriving during the response is seen; on a reusable stream it stops at the request's boundary
/// once the agent has sent its last frame, leaving the next request's head unread.
/// </summary>
internal sealed class TunnelFrameReader
{
    // A few chunks of up to 64 KiB: enough to keep the upstream busy, small enough to be bounded.
    private const int BufferedChunks = 4;

    private readonly TunnelDownStream _frames;
    private readonly CancellationTokenSource _exchange;
    private readonly CancellationTokenSource _bodyUnwanted = new();
    private readonly TaskCompletionSource _finishedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Channel<ReadOnlyMemory<byte>> _body = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(BufferedChunks) { SingleReader = true, SingleWriter = true });
    private volatile bool _finished;
    private volatile bool _requestEnded;

    public TunnelFrameReader(TunnelDownStream frames, CancellationTokenSource exchange)
    {
        _frames = frames;
        _exchange = exchange;
    }

    /// <summary>The request body as it arrives; completes at <c>end</c>, fails on an interruption.</summary>
    public ChannelReader<ReadOnlyMemory<byte>> Body => _body.Reader;

    public TunnelInterruption Interruption { get; private set; }

    public string InterruptionDetail { get; private set; } = "";

    /// <summary>A cancel came after the agent had marked its last frame reusable: the stream is withdrawn after all.</summary>
    public bool CancelledAfterFinish { get; private set; }

    /// <summary>
    /// Runs until the gateway ends the stream or <paramref name="abort"/> fires; on a <paramref name="reusable"/> stream,
    /// until the request has ended and the agent has finished (<see cref="TryFinishClean"/>).
    /// </summary>
    /// <param name="expectBody">Body or end frames follow the head.</param>
    /// <param name="reusable">The head said <c>reusable_stream</c>: a request without body frames is whole at its head, and no end frame follows it.</param>
    /// <param name="abort">Cuts the read.</param>
    public async Task RunAsync(bool expectBody, bool reusable, CancellationToken abort)
    {
        var ended = false;
        if (reusable && !expectBody)
        {
            ended = _requestEnded = true;
            _body.Writer.TryComplete();
        }

        try
        {
            while (true)
            {
                var next = _frames.NextAsync();
                if (reusable && ended)
                {
                    // Past the request's end only a cancel may still come for it. Once the agent has sent its last frame
                    // the reading stops here: what comes next (the next request's head, a cancel withdrawing the idle
                    // stream, its end) is the worker's to read.
                    await Task.WhenAny(next, _finishedSignal.Task).WaitAsync(abort);
                    if (_finished)
                    {
                        return;
                    }
                }

                if (!await next)
                {
                    break;
                }

                var frame = _frames.Take();
                switch (frame.FrameCase)
                {
                    case TunnelDown.FrameOneofCase.Body when !ended && expectBody:
                        await BufferAsync(frame.Body.Data.Memory);
                        break;
                    case TunnelDown.FrameOneofCase.End when !ended:
                        ended = _requestEnded = true;
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
        lock (_gate)
        {
            _finished = true;
        }

        _finishedSignal.TrySetResult();
        _bodyUnwanted.Cancel();
    }

    /// <summary>
    /// Finishes, as <see cref="Finish"/>, and tells whether the request ended cleanly: its end was read and nothing
    /// interrupted it. Called just before the agent's last frame, which then says whether the stream is reusable; a
    /// cancel read after this point withdraws the stream (<see cref="CancelledAfterFinish"/>).
    /// </summary>
    public bool TryFinishClean()
    {
        bool clean;
        lock (_gate)
        {
            clean = _requestEnded && Interruption == TunnelInterruption.None;
            _finished = true;
        }

        _finishedSignal.TrySetResult();
        _bodyUnwanted.Cancel();
        return clean;
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
        lock (_gate)
        {
            if (_finished)
            {
                CancelledAfterFinish |= interruption == TunnelInterruption.Cancelled;
                return;
            }

            if (Interruption != TunnelInterruption.None)
            {
                return;
            }

            Interruption = interruption;
            InterruptionDetail = detail;
        }

        _body.Writer.TryComplete(new TunnelInterruptedException(interruption, detail));
        _exchange.Cancel();
    }
}
