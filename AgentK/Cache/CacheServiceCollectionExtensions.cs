using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plural.AgentK.Cache.Queries;
using Plural.AgentK.Local;
using Plural.AgentK.Session;

namespace Plural.AgentK.Cache;

/// <summary>Registers the informer cache and the cached queries answered from it.</summary>
internal static class CacheServiceCollectionExtensions
{
    /// <summary>Adds the cache, its informers and the cached query handler, with <see cref="CacheOptions"/> validated at start.</summary>
    public static IServiceCollection AddClusterCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<CacheOptions, CacheOptionsValidator>().Bind(configuration.GetSection(CacheOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterCache>();
        services.TryAddSingleton<KubernetesClientFactory>();
        services.TryAddSingleton<CacheMeter>();
        services.TryAddSingleton<Dynamic.KubernetesJsonClient>();
        services.TryAddSingleton<Dynamic.ApiDiscovery>();
        services.TryAddSingleton<InformerService>();
        services.AddHostedService(provider => provider.GetRequiredService<InformerService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConditionSource, CacheConditions>());

        services.TryAddSingleton<CacheQueryHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCapability, CacheQueryCapability>());
        // Registered first: a host that brings its own handler registers after AddAgentK, and the last one wins.
        services.Insert(0, ServiceDescriptor.Singleton<IAgentRequestHandler>(p => p.GetRequiredService<CacheQueryHandler>()));
        return services;
    }
}
