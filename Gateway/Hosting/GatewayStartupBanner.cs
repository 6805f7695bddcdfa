using Plural.Gateway.Listeners;

namespace Plural.Gateway.Hosting;

/// <summary>Prints where the gateway listens once it does: operators and scripts read this line.</summary>
internal sealed partial class GatewayStartupBanner(
    IHostApplicationLifetime lifetime,
    GatewayListeners listeners,
    GatewayIdentity gateway,
    ILogger<GatewayStartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => LogListening(logger, gateway.Id,
            listeners.UrlOf(ListenerKind.Agent), listeners.UrlOf(ListenerKind.Api), listeners.UrlOf(ListenerKind.Http),
            listeners.UrlOf(listeners.Has(ListenerKind.Operations) ? ListenerKind.Operations : ListenerKind.Http)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Gateway {GatewayId} listening: agents {AgentUrl}, api {ApiUrl}, http {HttpUrl}, operations {OperationsUrl}")]
    private static partial void LogListening(ILogger logger, string gatewayId, Uri agentUrl, Uri apiUrl, Uri httpUrl, Uri operationsUrl);
}
