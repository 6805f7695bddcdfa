using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels.Peers;

namespace Plural.Gateway.Tunnels;

/// <summary>Registers the agents' tunnels and the private hop to peer gateways.</summary>
internal static class TunnelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="TunnelOptions"/> (validated at start), the tunnel registry, the forwarders (local and to peers) with
    /// what they know of agents' locations and whether peers' requests still wait here,
    /// the request client and the per-agent tunnel limit.
    /// </summary>
    public static IServiceCollection AddTunnels(this IServiceCollection services)
    {
        services.AddOptions<TunnelOptions>().BindConfiguration(TunnelOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.WaitTimeout > TimeSpan.Zero, "Gateway:Tunnels:WaitTimeout must be positive")
            .ValidateOnStart();
        services.AddSingleton<TunnelRegistry>();
        services.AddSingleton<TunnelDemand>();
        services.AddSingleton<TunnelForwarder>();
        services.AddSingleton<AgentLocations>();
        services.AddSingleton<AgentDirectoryFallback>();
        services.AddSingleton<ForwardedRequestIntake>();
        services.AddSingleton<PeerCredentials>();
        services.AddSingleton<PeerGatewayForwarder>();
        services.AddSingleton<AgentRequestClient>();
        services.AddHttpClient(PeerGatewayForwarder.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => PeerHttpHandler.Create(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Peer));
        services.AddOptions<TunnelLimitOptions>().BindConfiguration(TunnelLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AgentTunnelLimiter>();
        return services;
    }
}
