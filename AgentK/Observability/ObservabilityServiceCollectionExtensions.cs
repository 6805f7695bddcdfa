using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plural.AgentK.Observability;

/// <summary>Registers the agent's status, the listener that serves it, and the export of its spans.</summary>
internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AgentStatus"/> and the observability listener, with <see cref="ObservabilityOptions"/> validated at start.</summary>
    public static IServiceCollection AddAgentObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ObservabilityOptions, ObservabilityOptionsValidator>().Bind(configuration.GetSection(ObservabilityOptions.SectionName));
        services.TryAddSingleton<AgentStatus>();
        services.TryAddSingleton<ObservabilityServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ObservabilityServer>());
        services.AddAgentTracing(configuration);
        return services;
    }
}
