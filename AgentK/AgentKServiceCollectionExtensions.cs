using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Queries;
using Plural.AgentK.Config;
using Plural.AgentK.Connection;
using Plural.AgentK.Events;
using Plural.AgentK.GitOps;
using Plural.AgentK.Local;
using Plural.AgentK.Observability;
using Plural.AgentK.Session;
using Plural.AgentK.Tunnels;
using Plural.AgentK.Upstream;
using Plural.AgentK.Views;

namespace Plural.AgentK;

/// <summary>Registers the agent in a host, standalone or next to other services.</summary>
public static class AgentKServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent: options bound from the <c>Agent</c> section of <paramref name="configuration"/>
    /// and validated at start, the gateway connection loop, and the observability listener.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The root configuration; the agent reads its <c>Agent</c> section.</param>
    public static IServiceCollection AddAgentK(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>()
            .Bind(configuration.GetSection(AgentOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgentOptions>, AgentOptionsDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.Configure<HostOptions>(host => WaitForGracePeriod(host, configuration));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentStatus>();
        services.TryAddSingleton<GatewayCredentials>();
        services.TryAddSingleton<GatewayChannelFactory>();
        services.TryAddSingleton<GatewayConnectionFactory>();
        services.TryAddSingleton<TunnelPoolFactory>();
        services.TryAddSingleton<TunnelExchange>();
        services.TryAddSingleton<UpstreamCredentials>();
        services.TryAddSingleton(provider => new UpstreamForwarder(
            provider.GetRequiredService<IOptions<AgentOptions>>(),
            provider.GetRequiredService<UpstreamCredentials>(),
            UpstreamClientFactory.Create(provider.GetRequiredService<IOptions<AgentOptions>>()),
            UpstreamClientFactory.Create(provider.GetRequiredService<IOptions<AgentOptions>>(), repeatHeaders: true)));

        AddClusterCache(services);
        AddConfigurationAndGitOps(services);

        services.TryAddSingleton<ObservabilityServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ObservabilityServer>());
        services.AddHostedService<GatewayConnectionLoop>();
        return services;
    }

    /// <summary>Informers, the events and views they feed, and the cached queries answered from them.</summary>
    private static void AddClusterCache(IServiceCollection services)
    {
        services.TryAddSingleton<ClusterCache>();
        services.TryAddSingleton<KubernetesClientFactory>();
        services.TryAddSingleton<InformerService>();
        services.AddHostedService(provider => provider.GetRequiredService<InformerService>());
        services.TryAddSingleton<ClusterEventQueue>();
        services.TryAddSingleton<ClusterEventReporter>();
        services.TryAddSingleton<ClusterViewCalculator>();
        services.TryAddSingleton<ClusterViewReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionReporter, ClusterEventReporter>(p => p.GetRequiredService<ClusterEventReporter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionReporter, ClusterViewReporter>(p => p.GetRequiredService<ClusterViewReporter>()));
        services.TryAddSingleton<SessionFeatures>();
        services.TryAddSingleton<CacheQueryHandler>();
        // Registered first: a host that brings its own handler registers after AddAgentK, and the last one wins.
        services.Insert(0, ServiceDescriptor.Singleton<IAgentRequestHandler>(p => p.GetRequiredService<CacheQueryHandler>()));
    }

    /// <summary>Agent configuration pushed by the server, and the manifests it has the agent apply.</summary>
    private static void AddConfigurationAndGitOps(IServiceCollection services)
    {
        services.TryAddSingleton<ClusterApi>();
        services.TryAddSingleton<PendingReports>();
        services.TryAddSingleton<GitOpsService>();
        services.AddHostedService(provider => provider.GetRequiredService<GitOpsService>());
        services.TryAddSingleton<GitOpsReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionReporter, GitOpsReporter>(p => p.GetRequiredService<GitOpsReporter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCommandHandler, ManifestSyncHandler>());

        services.TryAddSingleton<AgentConfigService>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentConfigService>());
        services.TryAddSingleton<AgentConfigReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionReporter, AgentConfigReporter>(p => p.GetRequiredService<AgentConfigReporter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCommandHandler, AgentConfigHandler>());
    }

    /// <summary>
    /// The host must wait on stop for the agent's grace period plus room to cut and close. Read from
    /// configuration directly: resolving the agent options here would validate them before start.
    /// </summary>
    private static void WaitForGracePeriod(HostOptions host, IConfiguration configuration)
    {
        var grace = configuration.GetSection(AgentOptions.SectionName).GetValue<TimeSpan?>(nameof(AgentOptions.ShutdownGracePeriod))
            ?? new AgentOptions().ShutdownGracePeriod;
        var needed = grace + TimeSpan.FromSeconds(10);
        if (host.ShutdownTimeout < needed)
        {
            host.ShutdownTimeout = needed;
        }
    }
}
