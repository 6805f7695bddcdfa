using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Connection;
using Plural.AgentK.Observability;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>Creates the pool of each new gateway connection.</summary>
internal sealed class TunnelPoolFactory(
    IOptions<AgentOptions> options,
    GatewayCredentials credentials,
    TunnelExchange exchange,
    AgentStatus status,
    ILogger<TunnelPool> logger)
{
    public TunnelPool Create(AgentGateway.AgentGatewayClient client) =>
        new(client, options.Value, credentials, exchange, status, logger);
}
