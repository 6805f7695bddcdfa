namespace Plural.Grains.Fleet;

/// <summary>
/// The listings of one shard's buckets, in memory (key 0 to <see cref="AgentDirectoryKeys.Shards"/> - 1, see
/// <see cref="AgentDirectoryKeys"/>): what listings and fleet queries ask. Loads its buckets when it activates and is
/// kept current by them; holds nothing a bucket does not.
/// </summary>
[Alias("plural.fleet.IAgentDirectoryShardGrain")]
public interface IAgentDirectoryShardGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces a listing (called by the bucket that stored it).</summary>
    [Alias("Put")]
    Task Put(AgentListing listing);

    /// <summary>Removes a listing (called by the bucket that removed it).</summary>
    [Alias("Remove")]
    Task Remove(string agentName);

    /// <summary>
    /// Listings in ordinal name order that the query selects. An agent whose listing says connected but was last seen
    /// longer ago than its grain would have refreshed it (its silo died with it) lists as disconnected.
    /// </summary>
    [Alias("List")]
    Task<AgentListingBatch> List(AgentListingQuery query);
}
