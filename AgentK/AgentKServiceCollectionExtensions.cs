using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Cache;
using Plural.AgentK.Config;
using Plural.AgentK.Connection;
using Plural.AgentK.Events;
using Plural.AgentK.GitOps;
using Plural.AgentK.Leadership;
using Plural.AgentK.Observability;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;
using Plural.AgentK.Tunnels;
using Plural.AgentK.Upstream;
using Plural.AgentK.Views;

namespace Plural.AgentK;

/// <summary>Registers the agent in a host, standalone or next to other services.</summary>
public static class AgentKServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent: each feature with its options bound from its part of the <c>Agent</c> section of
    /// <paramref name="configuration"/> and validated at start, the gateway connection loop, and the observability listener.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The root configuration; the agent reads its <c>Agent</c> section.</param>
    public static IServiceCollection AddAgentK(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayTransport(configuration);
        services.AddUpstream(configuration);
        services.AddAgentSession();
        services.AddTunnels(configuration);

        // Hosted services start in this order: informers and GitOps first, the gateway connection last.
        services.AddClusterCache(configuration);
        services.AddLeaderElection(configuration);
        services.AddClusterEvents(configuration);
        services.AddClusterViews(configuration);
        services.AddGitOps(configuration);
        services.AddAgentConfig();
        services.AddAgentObservability(configuration);
        services.AddGatewayConnection(configuration);
        return services;
    }
}
