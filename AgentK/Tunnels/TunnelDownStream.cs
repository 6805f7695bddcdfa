using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// The gateway's frames on one <c>Connect</c> stream with at most one read pending, shared in turn by the worker
/// (waiting for the next request) and the exchange (watching for body, end and cancel). On a reusable stream a read
/// the exchange started may deliver the head of the next request; it is left pending for the worker rather than lost.
/// </summary>
internal sealed class TunnelDownStream(IAsyncStreamReader<TunnelDown> frames, CancellationToken aborting)
{
    private Task<bool>? _pending;

    /// <summary>Completes with true when the next frame is there, false when the gateway ended the stream.</summary>
    public Task<bool> NextAsync() => _pending ??= frames.MoveNext(aborting);

    /// <summary>The frame <see cref="NextAsync"/> found; the next call of it reads on.</summary>
    public TunnelDown Take()
    {
        _pending = null;
        return frames.Current;
    }
}
