using k8s;
using k8s.Models;

namespace Plural.AgentK.Cache;

/// <summary>
/// The built-in kinds, read through typed calls with projections of their own (the defaults of what is kept), and
/// lookups by plural name, kind or short name (case-insensitive). Any other resource is discovered
/// (<see cref="Dynamic.ApiDiscovery"/>).
/// </summary>
internal static class ResourceKinds
{
    public static readonly IReadOnlyList<ResourceKind> All =
    [
        ResourceKind.Create<V1Node, V1NodeList>("v1", "nodes", "Node", namespaced: false, ["no"],
            [FieldPaths.Ready, FieldPaths.Unschedulable],
            (c, r, ct) => c.CoreV1.ListNodeWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Node),
        ResourceKind.Create<V1Namespace, V1NamespaceList>("v1", "namespaces", "Namespace", namespaced: false, ["ns"],
            [FieldPaths.Phase],
            (c, r, ct) => c.CoreV1.ListNamespaceWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Namespace),
        ResourceKind.Create<V1Pod, V1PodList>("v1", "pods", "Pod", namespaced: true, ["po"],
            [FieldPaths.Phase, FieldPaths.NodeName, FieldPaths.Ready, FieldPaths.Reason, FieldPaths.Restarts],
            (c, r, ct) => c.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Pod),
        ResourceKind.Create<V1Deployment, V1DeploymentList>("apps/v1", "deployments", "Deployment", namespaced: true, ["deploy"],
            [FieldPaths.Replicas, FieldPaths.StatusReplicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas, FieldPaths.UpdatedReplicas],
            (c, r, ct) => c.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Deployment),
        ResourceKind.Create<V1StatefulSet, V1StatefulSetList>("apps/v1", "statefulsets", "StatefulSet", namespaced: true, ["sts"],
            [FieldPaths.Replicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas],
            (c, r, ct) => c.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListStatefulSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.StatefulSet),
        ResourceKind.Create<V1DaemonSet, V1DaemonSetList>("apps/v1", "daemonsets", "DaemonSet", namespaced: true, ["ds"],
            [FieldPaths.DesiredNumberScheduled, FieldPaths.NumberReady, FieldPaths.NumberAvailable],
            (c, r, ct) => c.AppsV1.ListDaemonSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListDaemonSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.DaemonSet),
        ResourceKind.Create<V1ReplicaSet, V1ReplicaSetList>("apps/v1", "replicasets", "ReplicaSet", namespaced: true, ["rs"],
            [FieldPaths.Replicas, FieldPaths.ReadyReplicas, FieldPaths.AvailableReplicas],
            (c, r, ct) => c.AppsV1.ListReplicaSetForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.AppsV1.WatchListReplicaSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.ReplicaSet),
        ResourceKind.Create<V1Job, V1JobList>("batch/v1", "jobs", "Job", namespaced: true, [],
            [FieldPaths.Phase, FieldPaths.Completions, FieldPaths.Active, FieldPaths.Succeeded, FieldPaths.Failed],
            (c, r, ct) => c.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.BatchV1.WatchListJobForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Job),
        ResourceKind.Create<V1Service, V1ServiceList>("v1", "services", "Service", namespaced: true, ["svc"],
            [FieldPaths.ServiceType, FieldPaths.ClusterIp],
            (c, r, ct) => c.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Service),
        ResourceKind.Create<Corev1Event, Corev1EventList>("v1", "events", "Event", namespaced: true, ["ev"],
            [FieldPaths.EventType, FieldPaths.EventReason, FieldPaths.EventMessage, FieldPaths.EventCount, FieldPaths.EventLastSeen,
                FieldPaths.InvolvedKind, FieldPaths.InvolvedName, FieldPaths.InvolvedNamespace],
            (c, r, ct) => c.CoreV1.ListEventForAllNamespacesWithHttpMessagesAsync(continueParameter: r.Continue, limit: r.Limit, cancellationToken: ct),
            (c, r, onError, ct) => c.CoreV1.WatchListEventForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: ct),
            Projections.Event),
    ];

    /// <summary>Plural names of the built-in kinds, for error messages and docs.</summary>
    public static string Supported => string.Join(", ", All.Select(k => k.Plural));

    /// <summary>The built-in kind of that group and plural (its typed projection), or null.</summary>
    public static ResourceKind? Find(string group, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Plural == plural);

    /// <summary>Finds a built-in kind by plural name, kind, short name or <c>plural.group</c>.</summary>
    public static ResourceKind? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(k => k.IsNamed(name.Trim()));
}
