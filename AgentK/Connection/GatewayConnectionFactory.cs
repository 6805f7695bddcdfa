using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Observability;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;
using Plural.AgentK.Tunnels;

namespace Plural.AgentK.Connection;

/// <summary>Creates each new gateway connection, on a new channel.</summary>
internal sealed class GatewayConnectionFactory(
    IOptions<GatewayOptions> options,
    GatewayChannelFactory channels,
    GatewayCredentials credentials,
    TunnelPoolFactory pools,
    AgentStatus status,
    SessionFeatures features,
    ILogger<GatewayConnection> logger)
{
    public GatewayConnection Create(FailureState failures) => new(
        channels.Create(),
        new AgentSession(options.Value, credentials, logger, features),
        pools,
        status,
        failures,
        logger);
}
