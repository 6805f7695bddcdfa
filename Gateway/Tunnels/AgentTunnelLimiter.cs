using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Bounds the tunnel streams one agent holds open on this gateway. Each costs a parked gRPC call and its buffers; an
/// agent pool is bounded by its own settings, so a count far above it is a broken or hostile client.
/// </summary>
internal sealed class AgentTunnelLimiter(IOptions<TunnelLimitOptions> options)
{
    private readonly ConcurrencyCounter _tunnels = new();

    /// <summary>Takes a tunnel slot for <paramref name="agent"/>; false when it holds the most allowed.</summary>
    public bool TryOpen(string agent) => _tunnels.TryEnter(agent, options.Value.MaxTunnelsPerAgent);

    /// <summary>Gives the slot back when the tunnel stream ends.</summary>
    public void Close(string agent) => _tunnels.Exit(agent);

    /// <summary>Tunnels of <paramref name="agent"/> open now.</summary>
    public int Open(string agent) => _tunnels.InUse(agent);
}
