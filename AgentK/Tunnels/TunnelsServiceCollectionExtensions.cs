using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plural.AgentK.Tunnels;

/// <summary>Registers the pool of tunnel streams and the exchange that serves each request.</summary>
internal static class TunnelsServiceCollectionExtensions
{
    /// <summary>Adds the tunnel pool factory and exchange, with <see cref="TunnelPoolOptions"/> validated at start.</summary>
    public static IServiceCollection AddTunnels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<TunnelPoolOptions, TunnelPoolOptionsValidator>().Bind(configuration.GetSection(TunnelPoolOptions.SectionName));
        services.TryAddSingleton<TunnelPoolFactory>();
        services.TryAddSingleton<TunnelExchange>();
        return services;
    }
}
