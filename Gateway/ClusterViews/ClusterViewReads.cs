using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Cluster;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Agents' cluster views, read live from their grains; while a view's grain does not answer (its silo died and the
/// cluster has not moved it yet), the view last read on this gateway is served, at most
/// <c>Gateway:GrainReads:MaxStaleness</c> old, with the time it was read and its age counted on to now. The main
/// application polls views, so the views it shows are the ones known here.
/// </summary>
internal sealed class ClusterViewReads(IGrainFactory grains, IOptions<GrainReadOptions> reads, TimeProvider clock, ILogger<ClusterViewReads> logger)
{
    private readonly GrainReadCache<ClusterViewSnapshot> _views = new("cluster view of agent", logKeys: true, reads.Value, clock, logger);

    /// <summary>
    /// The view of <paramref name="agentName"/>; throws <see cref="GrainReadUnavailableException"/> when its grain
    /// fails twice and no view of it was read here.
    /// </summary>
    public async Task<GrainRead<ClusterViewSnapshot>> ReadAsync(string agentName, CancellationToken ct)
    {
        var read = await _views.ReadAsync(agentName, () => grains.GetGrain<IClusterViewGrain>(agentName).Get(), TimeSpan.Zero, fallbackElsewhere: false, ct);
        return read is { StaleAsOf: { } readAt, Value.Age: { } age }
            ? read with { Value = read.Value with { Age = age + (clock.GetUtcNow() - readAt) } }
            : read;
    }
}
