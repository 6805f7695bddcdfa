using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;

namespace Plural.AgentK.Connection;

/// <summary>
/// Keeps the agent connected: dials, runs the session and pool, and after the session ends dials a
/// new connection (after the gateway's delay or the backoff). On stop it lets in-flight requests
/// finish for the grace period, then cuts them.
/// </summary>
internal sealed class GatewayConnectionLoop(
    IOptions<ConnectionOptions> options,
    IOptions<ReconnectOptions> reconnect,
    GatewayConnectionFactory connections,
    ILogger<GatewayConnectionLoop> logger) : BackgroundService
{
    // After the grace period, cut requests get this long to unwind before the host moves on.
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(5);

    private readonly List<(GatewayConnection Connection, Task Drained)> _draining = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting: a co-hosting process must not wait on the first dial.
        await Task.Yield();

        var backoff = new ReconnectBackoff(reconnect.Value);
        var failures = new FailureState();
        while (!stoppingToken.IsCancellationRequested)
        {
            var connection = connections.Create(failures);
            SessionOutcome outcome;
            try
            {
                outcome = await connection.RunAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                outcome = SessionOutcome.Failed(exception, TimeSpan.Zero);
            }

            _draining.RemoveAll(d => d.Drained.IsCompleted);
            _draining.Add((connection, connection.DrainAsync()));
            if (outcome.End == SessionEnd.Stopped || stoppingToken.IsCancellationRequested)
            {
                break;
            }

            backoff.ResetIfHealthyFor(outcome.Healthy);
            TimeSpan delay;
            if (outcome.End == SessionEnd.Reconnect)
            {
                // The gateway chose the delay (drain spreading); in-flight requests finish on the old connection meanwhile.
                delay = outcome.Delay;
            }
            else
            {
                delay = backoff.Next();
                var failure = outcome.Failure!;
                if (failures.Changed(FailureState.KindOf(failure)))
                {
                    ConnectionLog.Failed(logger, FailureState.Describe(failure), delay.TotalMilliseconds);
                }
                else
                {
                    ConnectionLog.StillFailing(logger, FailureState.KindOf(failure), delay.TotalMilliseconds);
                }
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await DrainAsync(options.Value.ShutdownGracePeriod);
    }

    private async Task DrainAsync(TimeSpan grace)
    {
        var drained = Task.WhenAll(_draining.Select(d => d.Drained));
        ConnectionLog.Stopping(logger, grace.TotalSeconds);
        try
        {
            await drained.WaitAsync(grace);
            return;
        }
        catch (TimeoutException)
        {
            ConnectionLog.GraceExpired(logger);
        }

        foreach (var (connection, _) in _draining)
        {
            connection.Abort();
        }

        try
        {
            await drained.WaitAsync(AbortTimeout);
        }
        catch (TimeoutException)
        {
        }
    }
}
