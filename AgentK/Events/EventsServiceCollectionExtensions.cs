using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plural.AgentK.Session;

namespace Plural.AgentK.Events;

/// <summary>Registers the cluster events sent up the session.</summary>
internal static class EventsServiceCollectionExtensions
{
    /// <summary>Adds the event queue and its session reporter, with <see cref="ClusterEventOptions"/> validated at start.</summary>
    public static IServiceCollection AddClusterEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ClusterEventOptions, ClusterEventOptionsValidator>().Bind(configuration.GetSection(ClusterEventOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterEventQueue>();
        services.AddSessionReporter<ClusterEventReporter>();
        return services;
    }
}
