using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// One idle or busy <c>Connect</c> stream of an agent. The gRPC handler that accepted it stays parked
/// until <see cref="Released"/> completes; meanwhile exactly one forwarder may claim it. A read is
/// always pending so that an agent that goes away, or talks out of turn, is noticed while idle.
/// A stream whose agent declared <see cref="TunnelReady.ReuseCapability"/> may be released for reuse: it then goes
/// back to idle (<see cref="Reopen"/>) and carries the next request, without a new call.
/// </summary>
internal sealed class AgentTunnel
{
    private const int Idle = 0, Claimed = 1, Retired = 2;

    private readonly IAsyncStreamReader<TunnelUp> _reader;
    private readonly SerializedStreamWriter<TunnelDown> _writer;
    private TaskCompletionSource _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<bool> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _callAborted;
    private Task<bool> _nextFrame;
    private int _state;

    internal AgentTunnel(AgentIdentity identity, string instanceId,
        IAsyncStreamReader<TunnelUp> reader, IServerStreamWriter<TunnelDown> writer, CancellationToken callAborted, bool reusable = false)
    {
        Identity = identity;
        InstanceId = instanceId;
        Reusable = reusable;
        _reader = reader;
        _writer = new SerializedStreamWriter<TunnelDown>(writer);
        _callAborted = callAborted;
        _nextFrame = reader.MoveNext(callAborted);
    }

    /// <summary>The agent and token this stream authenticated as.</summary>
    public AgentIdentity Identity { get; }

    /// <summary>The agent process that opened it.</summary>
    public string InstanceId { get; }

    /// <summary>
    /// The agent declared <see cref="TunnelReady.ReuseCapability"/>: requests say the stream may carry another one afterwards, bodies
    /// may travel inline in the heads, and a request the agent marks as ended cleanly leaves the stream reusable.
    /// </summary>
    public bool Reusable { get; }

    /// <summary>True while nobody has claimed or retired the tunnel.</summary>
    public bool IsIdle => Volatile.Read(ref _state) == Idle;

    /// <summary>Completes when the agent sends a frame, ends the stream or disconnects.</summary>
    internal Task<bool> NextFrame => _nextFrame;

    /// <summary>Completes when a forwarder claims the tunnel.</summary>
    internal Task WhenClaimed => _claimed.Task;

    /// <summary>
    /// Completes when the exchange is over: true when the stream may carry another request, false when it ends; faults
    /// with the error to end the stream with.
    /// </summary>
    internal Task<bool> Released => _released.Task;

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

    /// <summary>Makes a stream released for reuse idle again, ready to be offered for the next request.</summary>
    internal void Reopen()
    {
        _claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _state, Idle);
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

    /// <summary>
    /// Ends the exchange; the stream then completes, with <paramref name="failure"/> as its status if given, or with
    /// <paramref name="reuse"/> (a reusable stream whose request ended cleanly on both sides) goes back to idle.
    /// </summary>
    public void Release(RpcException? failure = null, bool reuse = false)
    {
        if (failure is null)
        {
            _released.TrySetResult(reuse && Reusable);
        }
        else
        {
            _released.TrySetException(failure);
        }
    }
}
