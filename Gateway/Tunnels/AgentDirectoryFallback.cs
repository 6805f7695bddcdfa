using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Reads of the agent directory that do not wait on a lost silo: the shards within a short timeout, else this
/// gateway's copy of them (<see cref="AgentListingMirror"/>), marked with the time it was read. It shares the
/// cluster's recovering state with <see cref="AgentLocations"/>, so that while a silo is being replaced every read
/// with a copy to fall back on waits a tenth as long.
/// </summary>
internal sealed class AgentDirectoryFallback(AgentDirectory directory, AgentListingMirror mirror, AgentLocations locations, IOptions<GrainReadOptions> reads)
{
    /// <summary>
    /// <see cref="AgentDirectory.PageAsync"/>, or when the shards do not answer within <see cref="GrainReadOptions.CallTimeout"/>, the
    /// page from this gateway's copy with the time it was read.
    /// </summary>
    public Task<GrainRead<AgentListingPage>> PageAsync(string? after, int size, LabelSelector selector, bool connectedOnly, CancellationToken ct) =>
        ReadOrCopyAsync(
            bounded => directory.PageAsync(after, size, selector.ToString(), connectedOnly, bounded),
            () => new GrainRead<AgentListingPage>(mirror.Page(after, size, selector, connectedOnly, out var readAt), readAt),
            ct);

    /// <summary>
    /// <see cref="AgentDirectory.AllAsync"/>, or when the shards do not answer within <see cref="GrainReadOptions.CallTimeout"/>, every
    /// listing the query selects from this gateway's copy with the time it was read.
    /// </summary>
    public Task<GrainRead<IReadOnlyList<AgentListing>>> AllAsync(LabelSelector selector, bool connectedOnly, CancellationToken ct) =>
        ReadOrCopyAsync(
            bounded => directory.AllAsync(selector.ToString(), connectedOnly, bounded),
            () => new GrainRead<IReadOnlyList<AgentListing>>(mirror.Page(null, int.MaxValue - 1, selector, connectedOnly, out var readAt).Agents, readAt),
            ct);

    /// <summary>
    /// One agent as its grain says, or, while the grain does not answer (its silo died and the cluster has not moved it
    /// yet), as it was last read here (at most <c>Gateway:GrainReads:MaxStaleness</c> ago) or, for an agent not read
    /// here, as this gateway's copy of the directory lists it, with the time either was read. Null for an agent that is
    /// not registered; <c>Unavailable</c> when the grain does not answer and nothing is known of the agent here.
    /// </summary>
    public async Task<GrainRead<AgentFound?>> GetAsync(string agentName, CancellationToken ct)
    {
        var listed = mirror.TryGet(agentName, out var listing, out var listedAt);
        try
        {
            var read = await locations.ReadAsync(agentName, fallbackElsewhere: listed, ct);
            return new(read.Value is { } snapshot ? new AgentFound(snapshot, null) : null, read.StaleAsOf);
        }
        catch (GrainReadUnavailableException unavailable)
        {
            return listed ? new(new AgentFound(null, listing), listedAt) : throw new RpcException(new Status(StatusCode.Unavailable, unavailable.Message));
        }
    }

    private async Task<GrainRead<T>> ReadOrCopyAsync<T>(Func<CancellationToken, Task<T>> read, Func<GrainRead<T>> copy, CancellationToken ct)
    {
        // While the cluster recovers (an agent's grain or a listing failed lately), the shards get a tenth as long, as
        // reads with a fallback do, so that each call does not wait the whole timeout again.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(locations.ClusterRecovering ? reads.Value.CallTimeout / 10 : reads.Value.CallTimeout);
        try
        {
            return new GrainRead<T>(await read(timeout.Token), null);
        }
        catch (Exception ex) when (ex is not RpcException && !ct.IsCancellationRequested)
        {
            // Not only timeouts: a shard re-activated on another silo may fail to load its buckets while the store is
            // overloaded, and its answer is then the store's error.
            locations.NoteClusterRecovering();
            if (mirror.IsEmpty)
            {
                // No copy to answer from (a gateway that started after the silo was lost): an empty answer would read as "no agents".
                throw new RpcException(new Status(StatusCode.Unavailable,
                    "the agent directory did not answer in time (a silo was lost and is being replaced); retry"));
            }

            return copy();
        }
    }
}
