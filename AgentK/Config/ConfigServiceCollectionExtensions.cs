using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plural.AgentK.Session;

namespace Plural.AgentK.Config;

/// <summary>Registers the agent configuration pushed by the server.</summary>
internal static class ConfigServiceCollectionExtensions
{
    /// <summary>Adds the service that puts configurations in force, its reporter and its command handler.</summary>
    public static IServiceCollection AddAgentConfig(this IServiceCollection services)
    {
        services.TryAddSingleton<AgentConfigService>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentConfigService>());
        services.AddHostedService<CustomResourceDefinitionWatcher>();
        services.AddSessionReporter<AgentConfigReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCommandHandler, AgentConfigHandler>());
        return services;
    }
}
