namespace Plural.Gateway.ClusterViews;

/// <summary>Registers cluster event and view publishing, cached queries and fleet queries.</summary>
internal static class ClusterViewsServiceCollectionExtensions
{
    /// <summary>Adds the cluster feature's options (validated at start), services and <c>ServerApi</c> calls.</summary>
    public static IServiceCollection AddClusterViews(this IServiceCollection services)
    {
        services.AddOptions<ClusterQueryOptions>().BindConfiguration(ClusterQueryOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.QueryTimeout > TimeSpan.Zero && o.FleetTimeout > TimeSpan.Zero,
                "Gateway:Cluster:QueryTimeout and FleetTimeout must be positive")
            .Validate(o => o.MaxTimeout >= o.QueryTimeout && o.MaxTimeout >= o.FleetTimeout,
                "Gateway:Cluster:MaxTimeout must be at least QueryTimeout and FleetTimeout")
            .ValidateOnStart();
        services.AddSingleton<ClusterReportPublisher>();
        services.AddSingleton<ClusterQueryClient>();
        services.AddSingleton<FleetQueryRunner>();
        services.AddSingleton<ClusterViewReads>();
        services.AddSingleton<ClusterViewsApi>();
        services.AddSingleton<ResumableEventWatcher>();
        return services;
    }
}
