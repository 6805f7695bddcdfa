using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Resources;

/// <summary>The kinds every emulated cluster serves, with the metadata the real server publishes for them.</summary>
internal static class BuiltInKinds
{
    public static readonly ResourceKind Namespace = new("", "v1", "Namespace", "namespaces", "namespace", false)
    {
        ShortNames = ["ns"], HasStatus = true, Columns = ColumnSets.Namespaces, FieldSelectors = ["status.phase"],
        Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"],
    };

    public static readonly ResourceKind Node = new("", "v1", "Node", "nodes", "node", false)
    {
        ShortNames = ["no"], HasStatus = true, Columns = ColumnSets.Nodes, MergeKeys = MergeKeySets.Generic, FieldSelectors = ["spec.unschedulable"],
    };

    public static readonly ResourceKind Pod = new("", "v1", "Pod", "pods", "pod", true)
    {
        ShortNames = ["po"], Categories = ["all"], HasStatus = true, HasLog = true, HasEviction = true, HasStreaming = true, HasProxy = true, Columns = ColumnSets.Pods, MergeKeys = MergeKeySets.Workload,
        FieldSelectors = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
    };

    public static readonly ResourceKind Service = new("", "v1", "Service", "services", "service", true)
    {
        ShortNames = ["svc"], Categories = ["all"], HasStatus = true, HasProxy = true, Columns = ColumnSets.Services, MergeKeys = MergeKeySets.Service,
        Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    };

    public static readonly ResourceKind ConfigMap = new("", "v1", "ConfigMap", "configmaps", "configmap", true)
    {
        ShortNames = ["cm"], Columns = ColumnSets.ConfigMaps,
    };

    public static readonly ResourceKind Secret = new("", "v1", "Secret", "secrets", "secret", true)
    {
        Columns = ColumnSets.Secrets, FieldSelectors = ["type"],
    };

    public static readonly ResourceKind ServiceAccount = new("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true)
    {
        ShortNames = ["sa"], Columns = ColumnSets.ServiceAccounts, MergeKeys = MergeKeySets.Generic, HasTokenRequest = true,
    };

    public static readonly ResourceKind Event = new("", "v1", "Event", "events", "event", true)
    {
        ShortNames = ["ev"], Columns = ColumnSets.Events,
        FieldSelectors = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
    };

    public static readonly ResourceKind Deployment = new("apps", "v1", "Deployment", "deployments", "deployment", true)
    {
        ShortNames = ["deploy"], Categories = ["all"], HasStatus = true, HasScale = true, Columns = ColumnSets.Deployments, MergeKeys = MergeKeySets.Workload,
    };

    public static readonly ResourceKind ReplicaSet = new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true)
    {
        ShortNames = ["rs"], Categories = ["all"], HasStatus = true, HasScale = true, Columns = ColumnSets.ReplicaSets, MergeKeys = MergeKeySets.Workload,
        FieldSelectors = ["status.replicas"],
    };

    public static readonly ResourceKind StatefulSet = new("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true)
    {
        ShortNames = ["sts"], Categories = ["all"], HasStatus = true, HasScale = true, Columns = ColumnSets.StatefulSets, MergeKeys = MergeKeySets.Workload,
    };

    public static readonly ResourceKind DaemonSet = new("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true)
    {
        ShortNames = ["ds"], Categories = ["all"], HasStatus = true, Columns = ColumnSets.DaemonSets, MergeKeys = MergeKeySets.Workload,
    };

    public static readonly ResourceKind Job = new("batch", "v1", "Job", "jobs", "job", true)
    {
        Categories = ["all"], HasStatus = true, Columns = ColumnSets.Jobs, MergeKeys = MergeKeySets.Workload, FieldSelectors = ["status.successful"],
    };

    public static readonly ResourceKind CustomResourceDefinition = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false)
    {
        ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true, Columns = ColumnSets.CustomResourceDefinitions,
    };

    public static readonly ResourceKind SelfSubjectReview = new("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview", false)
    {
        Verbs = ["create"], Stored = false,
    };

    public static readonly ResourceKind SelfSubjectAccessReview = new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "selfsubjectaccessreview", false)
    {
        Verbs = ["create"], Stored = false,
    };

    public static readonly ResourceKind SelfSubjectRulesReview = new("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "selfsubjectrulesreview", false)
    {
        Verbs = ["create"], Stored = false,
    };

    public static readonly ResourceKind SubjectAccessReview = new("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", "subjectaccessreview", false)
    {
        Verbs = ["create"], Stored = false,
    };

    public static readonly ResourceKind LocalSubjectAccessReview = new("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "localsubjectaccessreview", true)
    {
        Verbs = ["create"], Stored = false,
    };

    public static readonly IReadOnlyList<ResourceKind> All =
    [
        Namespace, Node, Pod, Service, ConfigMap, Secret, ServiceAccount, Event,
        Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CustomResourceDefinition, SelfSubjectReview,
        LocalSubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview,
        RbacKinds.Role, RbacKinds.RoleBinding, RbacKinds.ClusterRole, RbacKinds.ClusterRoleBinding,
        .. StoredOnlyKinds.All,
        Metrics.ResourceMetrics.NodeMetrics, Metrics.ResourceMetrics.PodMetrics,
    ];
}
