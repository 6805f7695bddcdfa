using Grpc.Core;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Agents;

/// <summary>
/// Listens for agent tokens revoked anywhere in the cluster and closes the sessions they opened here, so that a
/// revocation takes effect on every gateway within moments; lease renewals remain the backstop while the
/// subscription is not in place.
/// </summary>
internal sealed partial class TokenRevocationListener(
    IClusterClient orleans,
    TokenSessionCloser closer,
    ILogger<TokenRevocationListener> logger) : BackgroundService, ITokenRevocationObserver
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public Task OnRevoked(AgentTokenRevoked revoked)
    {
        closer.Close(revoked.AgentName, revoked.TokenId, revoked.TokenHash,
            new Status(StatusCode.Unauthenticated, TokenSessionCloser.RevokedReason));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = orleans.CreateObjectReference<ITokenRevocationObserver>(this);
        var hub = orleans.GetGrain<ITokenRevocationHubGrain>(ITokenRevocationHubGrain.Key);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = ITokenRevocationHubGrain.RenewInterval;
                try
                {
                    await hub.Subscribe(self);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The silo may still be starting; until the subscription stands, lease renewals catch revocations.
                    LogSubscribeFailed(logger, ex);
                    delay = RetryDelay;
                }

                await Task.Delay(delay, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            orleans.DeleteObjectReference<ITokenRevocationObserver>(self);
        }
    }

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Could not subscribe to agent token revocations; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
