using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// One idle or busy <c>Connect</c> stream of an agent. The gRPC handler that accepted it stays parked
/// until <see cref="Released"/> completes; meanwhile exactly one forwarder may claim it. A read is
/// always pending so that an agent that goes away, or talks out of turn, is noticed while idle.
/// </summary>
internal sealed class AgentTunnel
{
    private const int Idle = 0, Claimed = 1, Retired = 2;

    private readonly IAsyncStreamReader<TunnelUp> _reader;
    private readonly SerializedStreamWriter<TunnelDown> _writer;
    private readonly TaskCompletionSource _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _callAborted;
    private Task<bool> _nextFrame;
    private int _state;

    internal AgentTunnel(AgentIdentity identity, string instanceId,
        IAsyncStreamReader<TunnelUp> reader, IServerStreamWriter<TunnelDown> writer, CancellationToken callAborted)
    {
        Identity = identity;
        InstanceId = instanceId;
        _reader = reader;
        _writer = new SerializedStreamWriter<TunnelDown>(writer);
        _callAborted = callAborted;
        _nextFrame = reader.MoveNext(callAborted);
    }

    /// <summary>The agent and token this stream authenticated as.</summary>
    public AgentIdentity Identity { get; }

    /// <summary>The agent process that opened it.</summary>
    public string InstanceId { get; }

    /// <summary>True while nobody has claimed or retired the tunnel.</summary>
    public bool IsIdle => Volatile.Read(ref _state) == Idle;

    /// <summary>Completes when the agent sends a frame, ends the stream or disconnects.</summary>
    internal Task<bool> NextFrame => _nextFrame;

    /// <summary>Completes when a forwarder claims the tunnel.</summary>
    internal Task WhenClaimed => _claimed.Task;

    /// <summary>Completes (or faults with the error to end the stream with) when the exchange is over.</summary>
    internal Task Released => _released.Task;

    /// <summary>Takes the tunnel for one exchange; false when it is already taken or retired.</summary>
    public bool TryClaim()
    {
        if (Interlocked.CompareExchange(ref _state, Claimed, Idle) != Idle)
        {
            return false;
        }

        _claimed.TrySetResult();
        return true;
    }

    /// <summary>Returns a claimed tunnel to idle when the hand-over to a waiter fell through.</summary>
    internal void Unclaim() => Interlocked.CompareExchange(ref _state, Idle, Claimed);

    /// <summary>Takes an idle tunnel out of service; false when it is already claimed.</summary>
    public bool TryRetire() => Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle;

    /// <summary>The next frame from the agent, or null when the agent ended the stream.</summary>
    public async ValueTask<TunnelUp?> ReadAsync(CancellationToken ct)
    {
        if (!await _nextFrame.WaitAsync(ct))
        {
            return null;
        }

        var frame = _reader.Current;
        _nextFrame = _reader.MoveNext(_callAborted);
        return frame;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the pending read to finish, which it does once the agent ends its
    /// side of the stream (or the stream fails); false while it is still pending.
    /// </summary>
    internal async Task<bool> ReadingEndedAsync(TimeSpan timeout)
    {
        try
        {
            await _nextFrame.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or RpcException)
        {
            // A failed read is over too.
        }

        return true;
    }

    /// <summary>Sends a frame to the agent; writes are serialised because gRPC allows one at a time.</summary>
    public ValueTask WriteAsync(TunnelDown frame, CancellationToken ct) => _writer.WriteAsync(frame, ct);

    /// <summary>Ends the exchange; the stream then completes, with <paramref name="failure"/> as its status if given.</summary>
    public void Release(RpcException? failure = null)
    {
        if (failure is null)
        {
            _released.TrySetResult();
        }
        else
        {
            _released.TrySetException(failure);
        }
    }
}
