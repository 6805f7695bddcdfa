using Plural.Grains.Fleet;

namespace Plural.Grains.Tests.Fleet;

/// <summary>Reads one agent's listing the way listings do: from the shard its name hashes to.</summary>
internal static class DirectoryListings
{
    public static async Task<AgentListing?> FindAsync(IGrainFactory grains, string name, string selector = "", bool connectedOnly = false)
    {
        var shard = grains.GetGrain<IAgentDirectoryShardGrain>(AgentDirectoryKeys.ShardOf(AgentDirectoryKeys.BucketOf(name)));
        // Starting just before the name: the shard answers in ordinal order, so the name is first if it is there.
        var batch = await shard.List(new AgentListingQuery(name[..^1], 50, selector, connectedOnly));
        return batch.Agents.FirstOrDefault(a => a.Name == name);
    }

    /// <summary>Reads until <paramref name="until"/> holds or 30 s pass; what a timer changes shows up eventually.</summary>
    public static async Task<AgentListing?> WaitAsync(IGrainFactory grains, string name, Func<AgentListing?, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var listing = await FindAsync(grains, name);
            if (until(listing) || DateTime.UtcNow > deadline)
            {
                return listing;
            }

            await Task.Delay(100);
        }
    }
}
