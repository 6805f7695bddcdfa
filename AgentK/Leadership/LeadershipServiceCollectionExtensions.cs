using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plural.AgentK.Session;

namespace Plural.AgentK.Leadership;

/// <summary>Registers the election among an agent's replicas.</summary>
internal static class LeadershipServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LeaderTerms"/> (always leading when no election is configured), the elector, its session reporter
    /// and the inbox of the gateway's answers, with <see cref="LeaderElectionOptions"/> validated at start.
    /// </summary>
    public static IServiceCollection AddLeaderElection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<LeaderElectionOptions, LeaderElectionOptionsValidator>().Bind(configuration.GetSection(LeaderElectionOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LeaderElectionOptions>, LeaderElectionOptionsDefaults>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var clock = provider.GetRequiredService<TimeProvider>();
            return provider.GetRequiredService<IOptions<LeaderElectionOptions>>().Value.Enabled ? LeaderTerms.Elected(clock) : LeaderTerms.Always(clock);
        });
        services.TryAddSingleton<PublishedVersionsInbox>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCommandHandler, PublishedVersionsInbox>(p => p.GetRequiredService<PublishedVersionsInbox>()));
        services.TryAddSingleton<LeadershipAnnouncer>();
        services.AddSessionReporter<LeadershipReporter>();
        services.AddHostedService<LeaderElectionService>();
        return services;
    }
}
