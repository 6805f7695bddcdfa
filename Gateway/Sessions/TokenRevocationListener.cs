using Grpc.Core;
using Orleans.Streams;
using Plural.Grains.Streams;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Sessions;

/// <summary>
/// Listens for agent tokens revoked anywhere in the cluster and closes the sessions they opened here, so that a
/// revocation takes effect on every gateway within moments; lease renewals remain the backstop if the stream is
/// down.
/// </summary>
public sealed partial class TokenRevocationListener(
    IClusterClient orleans,
    TokenSessionCloser closer,
    ILogger<TokenRevocationListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stream = orleans.GetStreamProvider(StreamNames.Provider)
            .GetStream<AgentTokenRevoked>(StreamId.Create(StreamNames.AgentTokens, AgentTokenRevoked.FleetKey));
        StreamSubscriptionHandle<AgentTokenRevoked>? handle = null;
        while (handle is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                handle = await stream.SubscribeAsync(OnRevokedAsync);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo may still be starting; until the subscription stands, lease renewals catch revocations.
                LogSubscribeFailed(logger, ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (handle is not null)
        {
            await handle.UnsubscribeAsync();
        }
    }

    private Task OnRevokedAsync(AgentTokenRevoked revoked, StreamSequenceToken? _)
    {
        closer.Close(revoked.AgentName, revoked.TokenId, revoked.TokenHash,
            new Status(StatusCode.Unauthenticated, TokenSessionCloser.RevokedReason));
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Could not subscribe to agent token revocations; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
