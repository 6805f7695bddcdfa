using Microsoft.Extensions.Options;

namespace Plural.Gateway.Listeners;

/// <summary>
/// Reads the whole agent directory into the <see cref="AgentListingMirror"/> every
/// <see cref="GrainReadOptions.ListingMirrorInterval"/>, so that the copy knows agents this gateway never listed or
/// read. A pass is one call per shard (in batches of thousands), not one per agent.
/// </summary>
internal sealed partial class AgentListingMirrorRefresher(
    AgentDirectory directory, AgentListingMirror mirror, IOptions<GrainReadOptions> options, TimeProvider clock,
    ILogger<AgentListingMirrorRefresher> logger) : BackgroundService
{

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ListingMirrorInterval;
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        while (true)
        {
            // The first pass waits a whole interval too: a gateway that starts with the cluster would otherwise load every
            // directory shard (and so every bucket) at once, while the silos are still starting; listings it reads meanwhile
            // fill the copy anyway.
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var startedAt = clock.GetUtcNow();
            try
            {
                var all = await directory.AllAsync("", connectedOnly: false, stoppingToken).WaitAsync(interval, clock, stoppingToken);
                mirror.ReplaceAll(all, startedAt);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever failed (a shard that could not load its buckets answers with the store's error), the gateway
                // keeps serving: listings read meanwhile keep arriving through pages and reads, and the next pass tries again.
                LogPassFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning,
        Message = "Reading the agent directory into this gateway's copy failed ({ErrorType}: {Reason}); trying again at the next pass")]
    private static partial void LogPassFailed(ILogger logger, string errorType, string reason);
}
