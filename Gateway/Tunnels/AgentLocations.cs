using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Whether an agent is registered and which gateways hold its tunnels (its leases), as its grain last said. Read for
/// requests that find no idle tunnel here; trusted for <see cref="TunnelOptions.LocationCacheTime"/>, and served from
/// memory while the grain fails or hangs (its silo died), so a request to an agent on a peer gateway does not wait
/// on a dead silo. A stale lease costs at most a refused hop, which the forwarder answers by trying another route.
/// An agent's grain that was re-activated after its silo died knows no leases until the gateways renew them
/// (<c>Gateway:Leases:RefreshInterval</c>); until then the leases known before that have not expired keep routing.
/// The gateways seen in any agent's leases are remembered too, so that a request whose agent cannot be located at all
/// can still be offered to them (<see cref="KnownPeers"/>). Every snapshot read is remembered as a listing in the
/// <see cref="AgentListingMirror"/>.
/// </summary>
internal sealed class AgentLocations(
    IGrainFactory grains, AgentListingMirror mirror, IOptions<TunnelOptions> options, IOptions<GrainReadOptions> reads, TimeProvider clock, ILogger<AgentLocations> logger)
{
    private readonly GrainReadCache<AgentSnapshot?> _snapshots = new("agent", logKeys: true, reads.Value, clock, logger);
    private readonly ConcurrentDictionary<string, (string Address, DateTimeOffset SeenAt)> _gateways = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<TunnelLease> Leases, DateTimeOffset ReadAt)> _lastLeases = new(StringComparer.Ordinal);

    // Bounded memory beats remembering every agent ever routed to.
    private const int MaxRemembered = 100_000;

    /// <summary>
    /// The agent's snapshot, null when it is not registered; <paramref name="fresh"/> asks the grain unless it is
    /// failing, where a cached answer would otherwise do.
    /// </summary>
    public ValueTask<AgentSnapshot?> GetAsync(string agentName, bool fresh, CancellationToken ct) =>
        _snapshots.GetAsync(agentName, () => ReadAsync(agentName), fresh ? TimeSpan.Zero : options.Value.LocationCacheTime, ct);

    /// <summary>
    /// The agent's snapshot read from its grain, saying when it is not live; with <paramref name="fallbackElsewhere"/>
    /// the caller has another answer when none was read here (see <see cref="GrainReadCache{TValue}.ReadAsync"/>).
    /// </summary>
    public ValueTask<GrainRead<AgentSnapshot?>> ReadAsync(string agentName, bool fallbackElsewhere, CancellationToken ct) =>
        _snapshots.ReadAsync(agentName, () => ReadAsync(agentName), TimeSpan.Zero, fallbackElsewhere, ct);

    /// <summary>Whether an agent's grain failed to answer lately, or <see cref="NoteClusterRecovering"/> was called: a silo was lost.</summary>
    public bool ClusterRecovering => _snapshots.IsDegraded;

    /// <summary>Reports another grain call that did not answer, so that reads here wait less while the cluster recovers.</summary>
    public void NoteClusterRecovering() => _snapshots.MarkDegraded();

    /// <summary>
    /// Gateways other than <paramref name="self"/> and <paramref name="excluding"/> seen in an agent's lease within
    /// <see cref="GrainReadOptions.MaxStaleness"/>, as leases that promise nothing about any one agent.
    /// </summary>
    public IReadOnlyList<TunnelLease> KnownPeers(string self, IReadOnlySet<string>? excluding)
    {
        var now = clock.GetUtcNow();
        return [.. _gateways
            .Where(g => g.Key != self && excluding?.Contains(g.Key) != true && now - g.Value.SeenAt <= reads.Value.MaxStaleness)
            .Select(g => new TunnelLease(g.Key, g.Value.Address, "", "", g.Value.SeenAt, 0, 0, now))];
    }

    /// <summary>
    /// The leases to route by: the snapshot's, or when it has none, those read before for the agent that have not
    /// expired (its grain may have been re-activated and not yet renewed); the snapshot itself stays as the grain said.
    /// A grain that saw the agent go (its status changed after those leases were read) is believed: the agent left.
    /// </summary>
    public IReadOnlyList<TunnelLease> Routes(string agentName, AgentSnapshot snapshot)
    {
        if (snapshot.Status.Leases.Count > 0 || !_lastLeases.TryGetValue(agentName, out var known)
            || snapshot.Status.Since is { } changed && changed >= known.ReadAt)
        {
            return snapshot.Status.Leases;
        }

        var now = clock.GetUtcNow();
        return [.. known.Leases.Where(l => l.ExpiresAt > now)];
    }

    /// <summary>
    /// Whether a snapshot without leases may be a grain that forgot them (re-activated after its silo died, before the
    /// gateways renewed) rather than an agent that left: its last status change came before the agent was last seen,
    /// and that was recently. An agent that left was last seen at the moment it left (a dropped lease) or before its
    /// lease ran out, so its status changed at or after that.
    /// </summary>
    public bool MayHaveLostLeases(AgentSnapshot snapshot) =>
        snapshot.Status is { Leases.Count: 0, Since: { } since, LastSeen: { } seen }
        && since < seen && clock.GetUtcNow() - seen < LastSeenStoredEvery + options.Value.LocationCacheTime;

    // The agent grain stores last-seen at most this often while the agent stays connected (AgentGrain.LastSeenWriteInterval).
    private static readonly TimeSpan LastSeenStoredEvery = TimeSpan.FromMinutes(5);

    private async Task<AgentSnapshot?> ReadAsync(string agentName)
    {
        var read = await grains.GetGrain<IAgentGrain>(agentName).Get();
        if (read is not null)
        {
            mirror.Remember([AgentListing.From(read)]);
        }
        var leases = read?.Status.Leases ?? [];
        foreach (var lease in leases)
        {
            _gateways[lease.GatewayId] = (lease.GatewayAddress, clock.GetUtcNow());
        }

        if (leases.Count > 0)
        {
            if (_lastLeases.Count >= MaxRemembered)
            {
                _lastLeases.Clear();
            }

            _lastLeases[agentName] = (leases, clock.GetUtcNow());
        }

        return read;
    }
}
