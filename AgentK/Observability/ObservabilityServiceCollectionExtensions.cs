using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plural.AgentK.Observability;

/// <summary>Registers the agent's status and the listener that serves it.</summary>
internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AgentStatus"/> and the observability listener, with <see cref="ObservabilityOptions"/> validated at start.</summary>
    public static IServiceCollection AddAgentObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ObservabilityOptions, ObservabilityOptionsValidator>().Bind(configuration.GetSection(ObservabilityOptions.SectionName));
        services.TryAddSingleton<AgentStatus>();
        services.TryAddSingleton<ObservabilityServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ObservabilityServer>());
        return services;
    }
}
