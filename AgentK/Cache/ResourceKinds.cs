using k8s;
using k8s.Models;

namespace Plural.AgentK.Cache;

/// <summary>The kinds the cache supports, and lookups by plural name, kind or short name (case-insensitive).</summary>
internal static class ResourceKinds
{
    public static readonly IReadOnlyList<ResourceKind> All =
    [
        ResourceKind.Create<V1Node, V1NodeList>("nodes", "Node", namespaced: false,
            [FieldPaths.Ready, FieldPaths.Unschedulable],
            (c, r, ct) => c.CoreV1.ListNodeWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Node),
        ResourceKind.Create<V1Namespace, V1NamespaceList>("namespaces", "Namespace", namespaced: false,
            [FieldPaths.Phase],
            (c, r, ct) => c.CoreV1.ListNamespaceWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Namespace),
        ResourceKind.Create<V1Pod, V1PodList>("pods", "Pod", namespaced: true,
            [FieldPaths.Phase, FieldPaths.NodeName, FieldPaths.Ready, FieldPaths.Reason, FieldPaths.Restarts],
            (c, r, ct) => c.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Pod),
        ResourceKind.Create<V1Deployment, V1DeploymentList>("deployments", "Deployment", namespaced: true,
            [FieldPaths.Replicas, FieldPaths.StatusReplicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas, FieldPaths.UpdatedReplicas],
            (c, r, ct) => c.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Deployment),
        ResourceKind.Create<V1StatefulSet, V1StatefulSetList>("statefulsets", "StatefulSet", namespaced: true,
            [FieldPaths.Replicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas],
            (c, r, ct) => c.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListStatefulSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.StatefulSet),
        ResourceKind.Create<V1DaemonSet, V1DaemonSetList>("daemonsets", "DaemonSet", namespaced: true,
            [FieldPaths.DesiredNumberScheduled, FieldPaths.NumberReady, FieldPaths.NumberAvailable],
            (c, r, ct) => c.AppsV1.ListDaemonSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListDaemonSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.DaemonSet),
        ResourceKind.Create<V1ReplicaSet, V1ReplicaSetList>("replicasets", "ReplicaSet", namespaced: true,
            [FieldPaths.Replicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas],
            (c, r, ct) => c.AppsV1.ListReplicaSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListReplicaSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.ReplicaSet),
        ResourceKind.Create<V1Job, V1JobList>("jobs", "Job", namespaced: true,
            [FieldPaths.Phase, FieldPaths.Completions, FieldPaths.Active, FieldPaths.Succeeded, FieldPaths.Failed],
            (c, r, ct) => c.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.BatchV1.WatchListJobForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Job),
        ResourceKind.Create<V1Service, V1ServiceList>("services", "Service", namespaced: true,
            [FieldPaths.ServiceType, FieldPaths.ClusterIp],
            (c, r, ct) => c.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Service),
        ResourceKind.Create<Corev1Event, Corev1EventList>("events", "Event", namespaced: true,
            [FieldPaths.EventType, FieldPaths.EventReason, FieldPaths.EventMessage, FieldPaths.EventCount, FieldPaths.EventLastSeen,
                FieldPaths.InvolvedKind, FieldPaths.InvolvedName, FieldPaths.InvolvedNamespace],
            (c, r, ct) => c.CoreV1.ListEventForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListEventForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Event),
    ];

    private static readonly Dictionary<string, ResourceKind> ByName = BuildIndex();

    /// <summary>Plural names of the supported kinds, for error messages and docs.</summary>
    public static string Supported => string.Join(", ", All.Select(k => k.Plural));

    /// <summary>The API version a kind is watched in: <c>group/version</c>, or the version alone for the core group.</summary>
    public static string ApiVersionOf(ResourceKind kind) => kind.Plural switch
    {
        "deployments" or "statefulsets" or "daemonsets" or "replicasets" => "apps/v1",
        "jobs" => "batch/v1",
        _ => "v1",
    };

    /// <summary>Finds a kind by plural name, kind or short name.</summary>
    public static ResourceKind? Find(string? name) =>
        name is not null && ByName.TryGetValue(name.Trim(), out var kind) ? kind : null;

    private static Dictionary<string, ResourceKind> BuildIndex()
    {
        var shortNames = new Dictionary<string, string>
        {
            ["no"] = "nodes", ["ns"] = "namespaces", ["po"] = "pods", ["deploy"] = "deployments", ["sts"] = "statefulsets",
            ["ds"] = "daemonsets", ["rs"] = "replicasets", ["svc"] = "services", ["ev"] = "events",
        };
        var index = new Dictionary<string, ResourceKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in All)
        {
            index[kind.Plural] = kind;
            index[kind.Kind] = kind;
        }

        foreach (var (shortName, plural) in shortNames)
        {
            index[shortName] = index[plural];
        }

        return index;
    }
}
