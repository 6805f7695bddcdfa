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
    // The first pass waits this long: the gateway starts before it may reach the silos, and a failed pass only waits for the next.
    private static readonly TimeSpan FirstPassAfter = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ListingMirrorInterval;
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        var wait = FirstPassAfter;
        while (true)
        {
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = interval;
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
            catch (Exception ex) when (GrainCallFailure.IsUnavailable(ex))
            {
                // Listings read since keep arriving through pages and reads; the next pass tries again.
                LogPassFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning,
        Message = "Reading the agent directory into this gateway's copy failed ({ErrorType}: {Reason}); trying again at the next pass")]
    private static partial void LogPassFailed(ILogger logger, string errorType, string reason);
}
