namespace Plural.Grains.Fleet;

/// <inheritdoc cref="IAgentDirectoryBucketGrain"/>
public sealed class AgentDirectoryBucketGrain(
    [PersistentState("directory-bucket")] IPersistentState<AgentDirectoryBucketState> state) : Grain, IAgentDirectoryBucketGrain
{
    private IAgentDirectoryShardGrain Shard =>
        GrainFactory.GetGrain<IAgentDirectoryShardGrain>(AgentDirectoryKeys.ShardOf((int)this.GetPrimaryKeyLong()));

    public async Task Put(AgentListing listing)
    {
        state.State.Agents[listing.Name] = listing;
        await state.WriteStateAsync();
        await Shard.Put(listing);
    }

    public async Task Remove(string agentName)
    {
        if (state.State.Agents.Remove(agentName))
        {
            await state.WriteStateAsync();
        }

        // Also when absent here: a shard that loaded before a failed write may still hold the name.
        await Shard.Remove(agentName);
    }

    public Task<IReadOnlyList<AgentListing>> All() =>
        Task.FromResult<IReadOnlyList<AgentListing>>([.. state.State.Agents.Values]);
}
