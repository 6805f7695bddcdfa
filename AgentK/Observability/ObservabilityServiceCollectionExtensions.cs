using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Observability;

/// <summary>Registers the agent's status and the listener that serves it.</summary>
internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AgentStatus"/> and the observability listener, with <see cref="ObservabilityOptions"/> validated at start.</summary>
    public static IServiceCollection AddAgentObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>());
        services.TryAddSingleton<AgentStatus>();
        services.TryAddSingleton<ObservabilityServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ObservabilityServer>());
        return services;
    }
}
