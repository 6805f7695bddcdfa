using Microsoft.Extensions.DependencyInjection;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Controllers;
using Plural.KubeEmulator.Logs;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Storage;
using Plural.KubeEmulator.Streaming;
using Plural.KubeEmulator.Watch;

namespace Plural.KubeEmulator.Hosting;

/// <summary>Service wiring of one emulator instance; everything is per instance, nothing is static.</summary>
internal static class EmulatorServices
{
    public static IServiceCollection AddKubeEmulator(this IServiceCollection services, KubeEmulatorOptions options, ClusterAuthority authority)
    {
        services.AddSingleton(options);
        services.AddSingleton(authority);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new ObjectStore(options.WatchHistorySize, options.WatcherBufferSize));
        services.AddSingleton<ObjectService>();
        services.AddSingleton<ResourceRegistry>();
        services.AddSingleton<TokenDirectory>();
        services.AddSingleton<Auth.Rbac.RbacAuthorizer>();
        services.AddSingleton<Impersonation>();
        services.AddSingleton<ReadHandlers>();
        services.AddSingleton<WriteHandlers>();
        services.AddSingleton<PatchHandler>();
        services.AddSingleton<ScaleHandler>();
        services.AddSingleton<WatchStreamer>();
        services.AddSingleton<PodLogStreamer>();
        services.AddSingleton<StreamingSessions>();
        services.AddSingleton<PodStreamingHandler>();
        services.AddSingleton<AccessReviews>();
        services.AddSingleton<ServiceAccountTokens>();
        services.AddSingleton<TokenRequests>();
        services.AddSingleton<Metrics.ResourceMetrics>();
        services.AddSingleton<Proxy.ProxyTargets>();
        services.AddSingleton<Proxy.ProxyForwarder>();
        services.AddSingleton<Proxy.WorkloadProxy>();
        services.AddSingleton<ResourceRouter>();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<PodFactory>();
        services.AddSingleton<IReconciler, CrdController>();
        services.AddSingleton<IReconciler, ClusterRoleAggregationController>();
        services.AddSingleton<IReconciler, NamespaceController>();
        services.AddSingleton<IReconciler, GarbageCollector>();
        services.AddSingleton<IReconciler, DeploymentController>();
        services.AddSingleton<IReconciler, ReplicaSetController>();
        services.AddSingleton<IReconciler, StatefulSetController>();
        services.AddSingleton<IReconciler, DaemonSetController>();
        services.AddSingleton<IReconciler, JobController>();
        services.AddSingleton<IReconciler, PodLifecycle>();
        services.AddSingleton<IReconciler, ServiceEndpointsController>();
        services.AddSingleton<IReconciler, EventExpiry>();
        services.AddHostedService<ControllerLoop>();
        return services;
    }
}
