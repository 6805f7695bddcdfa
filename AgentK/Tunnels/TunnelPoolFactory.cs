using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Observability;
using Plural.AgentK.Transport;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>Creates the pool of each new gateway connection.</summary>
internal sealed class TunnelPoolFactory(
    IOptions<TunnelPoolOptions> options,
    IOptions<ReconnectOptions> reconnect,
    IOptions<GatewayOptions> gateway,
    GatewayCredentials credentials,
    TunnelExchange exchange,
    AgentStatus status,
    ILogger<TunnelPool> logger)
{
    public TunnelPool Create(AgentGateway.AgentGatewayClient client) =>
        new(client, options.Value, reconnect.Value, gateway.Value.InstanceId, credentials, exchange, status, logger);
}
