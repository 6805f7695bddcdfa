using Microsoft.Extensions.Logging;

namespace Plural.Grains.Fleet;

/// <summary>
/// At silo start, carries the names the former single directory grain holds into the directory buckets. Every silo
/// runs it; after the first the grain holds nothing and answers at once. It runs beside the start, never holding it
/// up (100,000 agents take minutes), and a failure never stops the silo: the grain forgets the names only once all
/// were carried, so the next start tries again, and until then only those older agents are missing from listings.
/// </summary>
internal sealed partial class AgentDirectoryCarryOver(IGrainFactory grains, ILogger<AgentDirectoryCarryOver> logger) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken)
    {
        _ = CarryAsync();
        return Task.CompletedTask;
    }

    private async Task CarryAsync()
    {
        try
        {
            await grains.GetGrain<IAgentDirectoryGrain>(IAgentDirectoryGrain.Key).CarryIntoDirectory();
        }
        catch (Exception ex)
        {
            // A timeout here may only mean the caller stopped waiting; the grain carries on.
            LogCarryOverFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning,
        Message = "Carrying the former directory into the directory buckets failed or did not answer in time; the next silo start tries again")]
    private static partial void LogCarryOverFailed(ILogger logger, Exception exception);
}
