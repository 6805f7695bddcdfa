using Orleans.Concurrency;

namespace Plural.Grains.Fleet;

/// <summary>
/// The persisted listings of the agents whose names hash to one bucket (key 0 to <see cref="AgentDirectoryKeys.Buckets"/>
/// - 1, see <see cref="AgentDirectoryKeys"/>). Written by agent grains; passes every change on to its shard.
/// </summary>
[Alias("plural.fleet.IAgentDirectoryBucketGrain")]
public interface IAgentDirectoryBucketGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces an agent's listing, stored before it returns.</summary>
    [Alias("Put")]
    Task Put(AgentListing listing);

    /// <summary>Removes an agent's listing; removing an absent one is a no-op.</summary>
    [Alias("Remove")]
    Task Remove(string agentName);

    /// <summary>
    /// Every listing of the bucket, for its shard to load. Interleaved: a bucket whose <see cref="Put"/> waits on its
    /// shard's activation must still answer that activation.
    /// </summary>
    [Alias("All"), AlwaysInterleave]
    Task<IReadOnlyList<AgentListing>> All();
}
