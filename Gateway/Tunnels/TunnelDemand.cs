using System.Collections.Concurrent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Asks agents for tunnel streams when a request finds none of theirs here. An agent that declared
/// <c>tunnel.on_demand.v1</c> lets every idle stream go once it is quiet, since each parked stream costs the gateway
/// about 15 KiB (the <c>reconnect-storm</c> bench at 10,000 agents: 58.3 KiB per agent with one idle stream, 43.4 with
/// none); its session here is registered, and the first request after the quiet spell asks one of the agent's
/// processes, in turn, over its session. A burst of requests asks once per <see cref="AskEvery"/>.
/// </summary>
internal sealed partial class TunnelDemand(TimeProvider clock, ILogger<TunnelDemand> logger)
{
    /// <summary>How often one agent is asked again while its requests keep finding no stream.</summary>
    internal static readonly TimeSpan AskEvery = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Askers> _agents = new(StringComparer.Ordinal);

    /// <summary>
    /// Lets requests for <paramref name="agentName"/> ask its session with <paramref name="ask"/> until the returned
    /// handle is disposed (the session ended).
    /// </summary>
    public IDisposable Register(string agentName, Func<CancellationToken, ValueTask> ask)
    {
        while (true)
        {
            var askers = _agents.GetOrAdd(agentName, static _ => new Askers());
            lock (askers)
            {
                // A set emptied and dropped by another session's end is not joined: the next turn adds a fresh one.
                if (askers.Dropped)
                {
                    continue;
                }

                askers.List.Add(ask);
            }

            return new Registration(this, agentName, askers, ask);
        }
    }

    /// <summary>
    /// Asks the agent for a stream if any of its sessions here accepts being asked; true when it was asked now or
    /// within <see cref="AskEvery"/>, so a stream is on its way.
    /// </summary>
    public bool TryAsk(string agentName)
    {
        if (!_agents.TryGetValue(agentName, out var askers))
        {
            return false;
        }

        Func<CancellationToken, ValueTask> ask;
        lock (askers)
        {
            if (askers.List.Count == 0)
            {
                return false;
            }

            var now = clock.GetUtcNow();
            if (askers.AskedAt is { } at && now - at < AskEvery)
            {
                return true;
            }

            askers.AskedAt = now;
            askers.Next = (askers.Next + 1) % askers.List.Count;
            ask = askers.List[askers.Next];
        }

        _ = AskAsync(agentName, ask);
        return true;
    }

    private async Task AskAsync(string agentName, Func<CancellationToken, ValueTask> ask)
    {
        try
        {
            using var bounded = new CancellationTokenSource(AskTimeout);
            await ask(bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException or Grpc.Core.RpcException)
        {
            // The session is ending or stuck; the request waits its bounded time and then looks elsewhere.
            LogAskFailed(logger, agentName, ex.GetType().Name);
        }
    }

    // A session write that takes longer than this is stuck; the request does not wait on it anyway.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private void Unregister(string agentName, Askers askers, Func<CancellationToken, ValueTask> ask)
    {
        lock (askers)
        {
            askers.List.Remove(ask);
            if (askers.List.Count == 0)
            {
                askers.Dropped = true;
                _agents.TryRemove(new KeyValuePair<string, Askers>(agentName, askers));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not ask agent {Agent} for a tunnel stream: {Failure}")]
    private static partial void LogAskFailed(ILogger logger, string agent, string failure);

    private sealed class Askers
    {
        public readonly List<Func<CancellationToken, ValueTask>> List = [];
        public DateTimeOffset? AskedAt;
        public int Next;
        public bool Dropped;
    }

    private sealed class Registration(TunnelDemand owner, string agentName, Askers askers, Func<CancellationToken, ValueTask> ask) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unregister(agentName, askers, ask);
            }
        }
    }
}
