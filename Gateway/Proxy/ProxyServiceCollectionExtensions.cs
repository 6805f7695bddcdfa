namespace Plural.Gateway.Proxy;

/// <summary>Registers the proxies users reach agents through, and the kubeconfig that points at them.</summary>
internal static class ProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ProxyLimitOptions"/> (validated at start), the kubeconfig builder, the proxy's concurrency
    /// limits and the steps of a proxied request.
    /// </summary>
    public static IServiceCollection AddProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyLimitOptions>().BindConfiguration(ProxyLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminProxyOptions>().BindConfiguration(AdminProxyOptions.Section);
        services.AddSingleton<ProxyConcurrencyLimiter>();
        services.AddSingleton<TraceStep>();
        services.AddSingleton<MeasureStep>();
        services.AddSingleton<AuthenticateCallerStep>();
        services.AddSingleton<AuthenticateAdminOrPeerStep>();
        services.AddSingleton<AuditStep>();
        services.AddSingleton<AuthorizeStep>();
        services.AddSingleton<LimitStep>();
        services.AddSingleton<DeadlineStep>();
        services.AddSingleton<ForwardStep>();
        return services;
    }

    /// <summary>Maps the agent proxy (main application), the Kubernetes proxy (users) and the kubeconfig endpoint.</summary>
    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAgentProxy();
        endpoints.MapKubernetesProxy();
        endpoints.MapKubeconfig();
        return endpoints;
    }
}
