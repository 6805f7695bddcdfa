using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plural.AgentK.Session;

namespace Plural.AgentK.Views;

/// <summary>Registers the precomputed cluster view sent up the session.</summary>
internal static class ViewsServiceCollectionExtensions
{
    /// <summary>Adds the view calculator and its session reporter, with <see cref="ClusterViewOptions"/> validated at start.</summary>
    public static IServiceCollection AddClusterViews(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ClusterViewOptions, ClusterViewOptionsValidator>().Bind(configuration.GetSection(ClusterViewOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterViewCalculator>();
        services.AddSessionReporter<ClusterViewReporter>();
        return services;
    }
}
