using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Plural.AgentK.Session;

namespace Plural.AgentK.Connection;

/// <summary>Registers the loop that keeps the agent connected to a gateway, and the health conditions of that connection.</summary>
internal static class ConnectionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the connection factory and loop, with <see cref="ConnectionOptions"/> validated at start, and makes the host
    /// wait on stop for the shutdown grace period.
    /// </summary>
    public static IServiceCollection AddGatewayConnection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ConnectionOptions, ConnectionOptionsValidator>().Bind(configuration.GetSection(ConnectionOptions.SectionName));
        services.Configure<HostOptions>(host => WaitForGracePeriod(host, configuration));
        services.TryAddSingleton<GatewayConnectionFactory>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConditionSource, TunnelPoolConditions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConditionSource, CertificateConditions>());
        services.AddHostedService<GatewayConnectionLoop>();
        return services;
    }

    /// <summary>
    /// The host must wait on stop for the agent's grace period plus room to cut and close. Read from
    /// configuration directly: resolving the options here would validate them before start.
    /// </summary>
    private static void WaitForGracePeriod(HostOptions host, IConfiguration configuration)
    {
        var grace = configuration.GetSection(ConnectionOptions.SectionName).GetValue<TimeSpan?>(nameof(ConnectionOptions.ShutdownGracePeriod))
            ?? new ConnectionOptions().ShutdownGracePeriod;
        var needed = grace + TimeSpan.FromSeconds(10);
        if (host.ShutdownTimeout < needed)
        {
            host.ShutdownTimeout = needed;
        }
    }
}
