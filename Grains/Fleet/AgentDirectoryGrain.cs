namespace Plural.Grains.Fleet;

/// <inheritdoc cref="IAgentDirectoryGrain"/>
public sealed class AgentDirectoryGrain(
    [PersistentState("directory")] IPersistentState<AgentDirectoryState> state) : Grain, IAgentDirectoryGrain
{
    public async Task Add(string agentName)
    {
        if (state.State.Names.Add(agentName))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Remove(string agentName)
    {
        if (state.State.Names.Remove(agentName))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string? after, int limit)
    {
        IReadOnlyList<string> page =
            [.. state.State.Names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(limit)];
        return Task.FromResult(page);
    }
}
