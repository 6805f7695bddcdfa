using Microsoft.Extensions.Options;

namespace Plural.Gateway.Orleans;

/// <summary>
/// Keeps the gateway trying to reach the Orleans cluster, once a second, for as long as it takes (silos may start
/// after gateways), and says so: a gateway that waits for silos logs it at once and then every ten attempts, instead
/// of sitting silent and not ready.
/// </summary>
internal sealed partial class WaitForClusterRetryFilter(IOptions<OrleansClientOptions> options, ILogger<WaitForClusterRetryFilter> logger)
    : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (attempt == 1 || attempt % 10 == 0)
        {
            LogWaiting(logger, options.Value.ClusteringProvider.ToString(), attempt, exception.Message);
        }

        await Task.Delay(RetryDelay, cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 3421, Level = LogLevel.Warning,
        Message = "Waiting for the Orleans cluster ({Clustering} clustering), attempt {Attempt}: {Problem}; retrying every second")]
    private static partial void LogWaiting(ILogger logger, string clustering, int attempt, string problem);
}
