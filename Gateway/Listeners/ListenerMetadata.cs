using Microsoft.Extensions.Options;

namespace Plural.Gateway.Listeners;

/// <summary>Endpoint metadata naming the listener an endpoint belongs to.</summary>
internal sealed record ListenerMetadata(ListenerKind Kind)
{
    /// <summary>Metadata for a probe, metrics or admin endpoint: the operations listener when there is one.</summary>
    public static ListenerMetadata Operations(IEndpointRouteBuilder endpoints) =>
        new(GatewayListeners.OperationsKind(endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value));
}
