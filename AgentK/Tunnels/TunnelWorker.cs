using Grpc.Core;
using Plural.AgentK.Transport;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// One member of the pool: opens a <c>Connect</c> stream, announces it (declaring that it can serve one request after
/// another), waits for a request, serves it, and either waits on the same stream for the next one (the gateway reuses
/// streams and the request ended cleanly) or opens the next stream, until the pool retires it or stops.
/// </summary>
internal sealed class TunnelWorker(TunnelPool pool)
{
    // After ending its side of an idle stream the worker waits this long at most for the gateway to end the stream.
    private static readonly TimeSpan GatewayEndTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Where this worker stands in the pool's counts; changed only under the pool's lock.</summary>
    public TunnelWorkerState State { get; set; } = TunnelWorkerState.Idle;

    public async Task RunAsync()
    {
        var backoff = new ReconnectBackoff(pool.Reconnect);
        try
        {
            while (!pool.Stopping.IsCancellationRequested)
            {
                var opened = DateTimeOffset.UtcNow;
                var outcome = await RunSlotAsync();
                switch (outcome)
                {
                    case SlotOutcome.Served:
                        backoff.Reset();
                        break;
                    case SlotOutcome.EndedIdle:
                        // A gateway ending slots at once (draining, misconfigured) must not make the agent spin.
                        if (DateTimeOffset.UtcNow - opened >= pool.Reconnect.ResetAfter)
                        {
                            backoff.Reset();
                        }
                        else
                        {
                            await Task.Delay(backoff.Next(), pool.Stopping);
                        }

                        break;
                    case SlotOutcome.Failed:
                        await Task.Delay(backoff.Next(), pool.Stopping);
                        break;
                    default:
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (pool.Stopping.IsCancellationRequested)
        {
        }
        finally
        {
            pool.Exited(this);
        }
    }

    /// <summary>
    /// Opens a stream and serves requests on it: one on a gateway that takes each stream for one request, one after
    /// another while each ends cleanly on a gateway that reuses streams.
    /// </summary>
    private async Task<SlotOutcome> RunSlotAsync()
    {
        using var call = pool.Client.ConnectWithPooledBodies(pool.Credentials.CreateCallHeaders(), cancellationToken: pool.Aborting);
        var frames = new TunnelDownStream(call.ResponseStream, pool.Aborting);
        var served = 0;
        try
        {
            await call.RequestStream.WriteAsync(new TunnelUp
            {
                Ready = new TunnelReady { InstanceId = pool.InstanceId ?? "", Capabilities = { TunnelReady.ReuseCapability } },
            }, pool.Aborting);
        }
        catch (Exception exception) when (exception is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return OpenFailed(exception);
        }

        while (true)
        {
            var first = frames.NextAsync();
            bool hasFrame;
            try
            {
                var idle = await WaitWhileIdleAsync(first);
                if (idle != SlotOutcome.Served)
                {
                    Observe(first);
                    await TryCompleteAsync(call);
                    await AwaitGatewayEndAsync(frames);
                    return idle;
                }

                hasFrame = await first;
            }
            catch (Exception exception) when (exception is RpcException or IOException or OperationCanceledException or InvalidOperationException)
            {
                return OpenFailed(exception);
            }

            pool.Recovered();
            if (!hasFrame)
            {
                // A stream that carried requests and then ended idle is the normal end of a reused stream.
                return served > 0 ? SlotOutcome.Served : SlotOutcome.EndedIdle;
            }

            var frame = frames.Take();
            switch (frame.FrameCase)
            {
                case TunnelDown.FrameOneofCase.RequestHead:
                    pool.MarkActive(this);
                    bool reused;
                    try
                    {
                        reused = await pool.Exchange.RunAsync(call, frames, frame.RequestHead, pool.Aborting);
                        served++;
                    }
                    finally
                    {
                        pool.MarkIdle(this);
                    }

                    if (reused && !pool.Stopping.IsCancellationRequested)
                    {
                        continue; // Clean boundary: the same stream waits for the next request.
                    }

                    if (reused)
                    {
                        await TryCompleteAsync(call);
                    }

                    // The agent has ended its side; the gateway ends the call.
                    await AwaitGatewayEndAsync(frames);
                    return SlotOutcome.Served;
                case TunnelDown.FrameOneofCase.Cancel:
                    // The gateway withdrew an idle slot: the same as ending it.
                    await TryCompleteAsync(call);
                    await AwaitGatewayEndAsync(frames);
                    return served > 0 ? SlotOutcome.Served : SlotOutcome.EndedIdle;
                default:
                    await TryWriteErrorAsync(call, $"expected a request head, got {frame.FrameCase}");
                    return SlotOutcome.Served;
            }
        }
    }

    private SlotOutcome OpenFailed(Exception exception)
    {
        if (pool.Stopping.IsCancellationRequested)
        {
            return SlotOutcome.Stopped;
        }

        pool.OpenFailed(exception);
        return SlotOutcome.Failed;
    }

    /// <summary>Waits for the first frame; on each idle period asks the pool whether to retire.</summary>
    private async Task<SlotOutcome> WaitWhileIdleAsync(Task<bool> first)
    {
        while (true)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(pool.Stopping);
            var idleTimeout = Task.Delay(pool.Options.MaxIdleTime, timer.Token);
            var winner = await Task.WhenAny(first, idleTimeout);
            timer.Cancel();
            if (winner == first || first.IsCompleted)
            {
                return SlotOutcome.Served;
            }

            if (pool.Stopping.IsCancellationRequested)
            {
                return SlotOutcome.Stopped;
            }

            if (pool.TryRetire(this))
            {
                return SlotOutcome.Retired;
            }
        }
    }

    /// <summary>
    /// Lets the gateway end an idle stream whose side the worker ended, rather than resetting it by disposing the
    /// call. A request the gateway handed over at that moment then meets an end without any frame, which tells
    /// the gateway the request never reached the agent and may take another stream; a reset would look like the
    /// agent failing mid-request. The frames of such a request are read and dropped.
    /// </summary>
    private async Task AwaitGatewayEndAsync(TunnelDownStream frames)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(pool.Aborting);
        timeout.CancelAfter(GatewayEndTimeout);
        try
        {
            while (await frames.NextAsync().WaitAsync(timeout.Token))
            {
                frames.Take();
            }
        }
        catch (Exception exception) when (exception is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // Disposing the call ends it anyway.
        }
    }

    private async Task TryWriteErrorAsync(AsyncDuplexStreamingCall<TunnelUp, TunnelDown> call, string message)
    {
        try
        {
            await call.RequestStream.WriteAsync(new TunnelUp
            {
                Error = new TunnelError { Code = TunnelErrorCode.ProtocolViolation, Message = message },
            }, pool.Aborting);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private static async Task TryCompleteAsync(AsyncDuplexStreamingCall<TunnelUp, TunnelDown> call)
    {
        try
        {
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    // The pending read fails once the call is disposed; nobody awaits it any more.
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private enum SlotOutcome
    {
        Served,
        EndedIdle,
        Failed,
        Retired,
        Stopped,
    }
}
