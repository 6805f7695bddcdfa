using System.Collections.Concurrent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// The idle tunnels of every agent connected to this gateway, and the requests waiting for one.
/// A tunnel that arrives is handed to the oldest waiter first, so waiting requests are served in order.
/// </summary>
internal sealed class TunnelRegistry
{
    private readonly ConcurrentDictionary<string, AgentTunnels> _agents = new(StringComparer.Ordinal);

    /// <summary>Parks a new idle tunnel, or hands it straight to a waiting request.</summary>
    public void Offer(AgentTunnel tunnel) => For(tunnel.Identity.AgentName).Offer(tunnel);

    /// <summary>
    /// Parks a stream again after it carried a request and was released for reuse; the error to end it with instead
    /// when its token was retired meanwhile (a busy stream is not retired with the idle ones, and must not outlive its token).
    /// </summary>
    public Grpc.Core.RpcException? TryReturn(AgentTunnel tunnel) => For(tunnel.Identity.AgentName).TryReturn(tunnel);

    /// <summary>Claims an idle tunnel of the agent without waiting, the one parked last, or null.</summary>
    public AgentTunnel? TryTake(string agentName) =>
        _agents.TryGetValue(agentName, out var tunnels) ? tunnels.TryTake() : null;

    /// <summary>Claims a tunnel, waiting up to <paramref name="timeout"/> for one to arrive; null on timeout.</summary>
    public async Task<AgentTunnel?> AcquireAsync(string agentName, TimeSpan timeout, CancellationToken ct)
    {
        var tunnels = For(agentName);
        if (tunnels.TryTake() is { } idle)
        {
            return idle;
        }

        var waiter = tunnels.Wait();
        try
        {
            return await waiter.Task.WaitAsync(timeout, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Lost the race only if a tunnel was handed over just now: then use it rather than leak it.
            if (!waiter.TrySetCanceled(CancellationToken.None) && waiter.Task.IsCompletedSuccessfully)
            {
                if (ct.IsCancellationRequested)
                {
                    waiter.Task.Result.Release();
                    throw;
                }

                return waiter.Task.Result;
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            return null;
        }
    }

    /// <summary>Removes an idle tunnel (the agent closed it, or it misbehaved).</summary>
    public void Remove(AgentTunnel tunnel)
    {
        if (_agents.TryGetValue(tunnel.Identity.AgentName, out var tunnels))
        {
            tunnels.Remove(tunnel);
        }
    }

    /// <summary>Idle tunnels of one agent process.</summary>
    public int IdleCount(string agentName, string instanceId) =>
        _agents.TryGetValue(agentName, out var tunnels) ? tunnels.IdleCount(instanceId) : 0;

    /// <summary>Ends every idle tunnel opened with a given token (after revocation); returns how many.</summary>
    public int RetireByToken(string agentName, string tokenId, Grpc.Core.RpcException reason)
    {
        if (!_agents.TryGetValue(agentName, out var tunnels))
        {
            return 0;
        }

        var retired = tunnels.RetireToken(tokenId, reason);
        foreach (var tunnel in retired)
        {
            tunnel.Release(reason);
        }

        return retired.Count;
    }

    private AgentTunnels For(string agentName) => _agents.GetOrAdd(agentName, _ => new AgentTunnels());

    /// <summary>Per-agent state behind one lock: contention is per agent, never global.</summary>
    private sealed class AgentTunnels
    {
        private readonly Lock _gate = new();
        private readonly LinkedList<AgentTunnel> _idle = new();
        private readonly Queue<TaskCompletionSource<AgentTunnel>> _waiters = new();
        private Dictionary<string, Grpc.Core.RpcException>? _retiredTokens;

        public void Offer(AgentTunnel tunnel)
        {
            lock (_gate)
            {
                OfferLocked(tunnel);
            }
        }

        public Grpc.Core.RpcException? TryReturn(AgentTunnel tunnel)
        {
            lock (_gate)
            {
                if (_retiredTokens is not null && _retiredTokens.TryGetValue(tunnel.Identity.TokenId, out var reason))
                {
                    return reason;
                }

                tunnel.Reopen();
                OfferLocked(tunnel);
                return null;
            }
        }

        private void OfferLocked(AgentTunnel tunnel)
        {
            while (_waiters.TryDequeue(out var waiter))
            {
                if (waiter.Task.IsCompleted || !tunnel.TryClaim())
                {
                    continue;
                }

                if (waiter.TrySetResult(tunnel))
                {
                    return;
                }

                // The waiter timed out between the check and the hand-over: keep the tunnel for the next one.
                tunnel.Unclaim();
            }

            _idle.AddLast(tunnel);
        }

        // The newest tunnel first: agents close the ones idle longest, so those are the likeliest to be closing now.
        // One whose agent has already ended it (its handler is about to retire it) is skipped.
        public AgentTunnel? TryTake()
        {
            lock (_gate)
            {
                while (_idle.Last is { } node)
                {
                    _idle.RemoveLast();
                    if (!node.Value.NextFrame.IsCompleted && node.Value.TryClaim())
                    {
                        return node.Value;
                    }
                }

                return null;
            }
        }

        public TaskCompletionSource<AgentTunnel> Wait()
        {
            var waiter = new TaskCompletionSource<AgentTunnel>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waiters.Enqueue(waiter);
            }

            return waiter;
        }

        public void Remove(AgentTunnel tunnel)
        {
            lock (_gate)
            {
                _idle.Remove(tunnel);
            }
        }

        public int IdleCount(string instanceId)
        {
            lock (_gate)
            {
                return _idle.Count(t => t.InstanceId == instanceId && t.IsIdle);
            }
        }

        public IReadOnlyList<AgentTunnel> RetireToken(string tokenId, Grpc.Core.RpcException reason)
        {
            lock (_gate)
            {
                // Remembered for the streams busy now, which would otherwise come back to idle after their request.
                // Revocations are rare and per agent, so the set stays small.
                (_retiredTokens ??= new Dictionary<string, Grpc.Core.RpcException>(StringComparer.Ordinal))[tokenId] = reason;
                var retired = _idle.Where(t => t.Identity.TokenId == tokenId && t.TryRetire()).ToList();
                foreach (var tunnel in retired)
                {
                    _idle.Remove(tunnel);
                }

                return retired;
            }
        }
    }
}
