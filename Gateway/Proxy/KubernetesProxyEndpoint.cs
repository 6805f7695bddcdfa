using Plural.Gateway.Access;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary>
/// <c>/k8s-proxy/{agent}/...</c>: the Kubernetes API of the cluster behind an agent, for kubectl and any Kubernetes
/// client. The caller's credential (user token, main-application JWT or admin token) stays at the gateway; the
/// agent sends its own credentials plus the impersonation the agent's policy chooses, so the cluster's RBAC decides.
/// </summary>
internal static class KubernetesProxyEndpoint
{
    /// <summary>The route prefix; the agent name follows.</summary>
    public const string Prefix = KubeconfigBuilder.ProxyPrefix;

    /// <summary>The route's name in metrics.</summary>
    public const string RouteName = "k8s-proxy";

    /// <summary>The request's steps, in order.</summary>
    public static ProxyPipeline Pipeline(IServiceProvider services) => new(services.GetRequiredService<TimeProvider>(),
    [
        services.GetRequiredService<TraceStep>(),
        services.GetRequiredService<MeasureStep>(),
        services.GetRequiredService<AuthenticateCallerStep>(),
        services.GetRequiredService<AuditStep>(),
        services.GetRequiredService<AuthorizeStep>(),
        services.GetRequiredService<LimitStep>(),
        services.GetRequiredService<DeadlineStep>(),
        services.GetRequiredService<ForwardStep>(),
    ]);

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapKubernetesProxy(this IEndpointRouteBuilder endpoints)
    {
        var pipeline = Pipeline(endpoints.ServiceProvider);
        Task HandleAsync(HttpContext context, string agent) => pipeline.RunAsync(context, agent, new PathString($"{Prefix}/{agent}"));
        endpoints.Map(Prefix + "/{agent}", HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http), new ProxyRouteMetadata(RouteName));
        return endpoints.Map(Prefix + "/{agent}/{**path}", HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http), new ProxyRouteMetadata(RouteName));
    }
}
