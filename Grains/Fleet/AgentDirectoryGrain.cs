using Microsoft.Extensions.Logging;
using Plural.Grains.Agents;

namespace Plural.Grains.Fleet;

/// <inheritdoc cref="IAgentDirectoryGrain"/>
public sealed partial class AgentDirectoryGrain(
    [PersistentState("directory")] IPersistentState<AgentDirectoryState> state,
    ILogger<AgentDirectoryGrain> logger) : Grain, IAgentDirectoryGrain
{
    // Enough agents at once to carry 100,000 over in minutes without flooding the silos and the store.
    private const int Batch = 64;

    public async Task<int> CarryIntoDirectory()
    {
        var names = state.State.Names.ToList();
        if (names.Count == 0)
        {
            return 0;
        }

        foreach (var batch in names.Chunk(Batch))
        {
            await Task.WhenAll(batch.Select(n => GrainFactory.GetGrain<IAgentGrain>(n).WriteListing()));
        }

        await state.ClearStateAsync();
        state.State = new AgentDirectoryState();
        LogCarried(logger, names.Count);
        return names.Count;
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information,
        Message = "Carried {Agents} agents of the former single directory grain into the directory buckets")]
    private static partial void LogCarried(ILogger logger, int agents);
}
