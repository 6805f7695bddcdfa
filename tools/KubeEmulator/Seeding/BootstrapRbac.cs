using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Seeding;

/// <summary>
/// The roles and bindings the API server creates at start (its bootstrap policy): <c>cluster-admin</c>
/// bound to <c>system:masters</c>, the discovery, basic-user and public-info roles bound to
/// <c>system:authenticated</c> (public info also to <c>system:unauthenticated</c>), and the
/// user-facing <c>admin</c>/<c>edit</c>/<c>view</c>, aggregated from <c>system:aggregate-to-*</c>
/// by the ClusterRole aggregation controller.
/// </summary>
internal static class BootstrapRbac
{
    private const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    private const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    private const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static void Seed(ObjectService objects)
    {
        ClusterRole(objects, "cluster-admin", [Rule(["*"], ["*"], ["*"]), Paths(["*"], ["*"])]);
        ClusterRole(objects, "system:discovery", [Paths(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])]);
        ClusterRole(objects, "system:public-info-viewer", [Paths(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])]);
        ClusterRole(objects, "system:basic-user",
        [
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
        ]);
        ClusterRole(objects, "admin", [], aggregateFrom: AggregateToAdmin);
        ClusterRole(objects, "edit", [], aggregateFrom: AggregateToEdit, labels: [AggregateToAdmin]);
        ClusterRole(objects, "view", [], aggregateFrom: AggregateToView, labels: [AggregateToEdit]);
        ClusterRole(objects, "system:aggregate-to-admin", AdminRules, labels: [AggregateToAdmin]);
        ClusterRole(objects, "system:aggregate-to-edit", EditRules, labels: [AggregateToEdit]);
        ClusterRole(objects, "system:aggregate-to-view", ViewRules, labels: [AggregateToView]);
        // Installed with metrics-server, which the emulator's metrics.k8s.io stands for.
        ClusterRole(objects, "system:aggregated-metrics-reader", [Rule(Read, ["metrics.k8s.io"], ["pods", "nodes"])], labels: [AggregateToView, AggregateToEdit, AggregateToAdmin], bootstrap: false);

        ClusterRoleBinding(objects, "cluster-admin", "cluster-admin", Group("system:masters"));
        ClusterRoleBinding(objects, "system:discovery", "system:discovery", Group("system:authenticated"));
        ClusterRoleBinding(objects, "system:basic-user", "system:basic-user", Group("system:authenticated"));
        ClusterRoleBinding(objects, "system:public-info-viewer", "system:public-info-viewer", Group("system:authenticated"), Group("system:unauthenticated"));
    }

    public static JsonObject Group(string name) => new() { ["apiGroup"] = RbacKinds.Group, ["kind"] = "Group", ["name"] = name };

    public static JsonObject User(string name) => new() { ["apiGroup"] = RbacKinds.Group, ["kind"] = "User", ["name"] = name };

    public static JsonObject Rule(string[] verbs, string[] apiGroups, string[] resources, string[]? resourceNames = null)
    {
        var rule = new JsonObject { ["apiGroups"] = Strings(apiGroups), ["resources"] = Strings(resources), ["verbs"] = Strings(verbs) };
        if (resourceNames is not null) rule["resourceNames"] = Strings(resourceNames);
        return rule;
    }

    public static JsonObject Paths(string[] verbs, string[] urls) => new() { ["nonResourceURLs"] = Strings(urls), ["verbs"] = Strings(verbs) };

    public static void ClusterRole(ObjectService objects, string name, JsonObject[] rules, string? aggregateFrom = null, string[]? labels = null, bool bootstrap = true)
    {
        var role = new JsonObject { ["metadata"] = Metadata(name, labels, bootstrap), ["rules"] = new JsonArray(rules.Select(r => r.DeepClone()).ToArray()) };
        if (aggregateFrom is not null)
        {
            role["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { [aggregateFrom] = "true" } }),
            };
        }
        objects.Create(RbacKinds.ClusterRole, null, role, null);
    }

    public static void ClusterRoleBinding(ObjectService objects, string name, string clusterRole, params JsonObject[] subjects) =>
        ClusterRoleBinding(objects, name, clusterRole, bootstrap: true, subjects);

    public static void ClusterRoleBinding(ObjectService objects, string name, string clusterRole, bool bootstrap, params JsonObject[] subjects) =>
        objects.Create(RbacKinds.ClusterRoleBinding, null, new JsonObject
        {
            ["metadata"] = Metadata(name, null, bootstrap),
            ["roleRef"] = new JsonObject { ["apiGroup"] = RbacKinds.Group, ["kind"] = "ClusterRole", ["name"] = clusterRole },
            ["subjects"] = new JsonArray(subjects.Select(s => (JsonNode)s).ToArray()),
        }, null);

    private static JsonObject Metadata(string name, string[]? aggregateLabels, bool bootstrap)
    {
        var labels = new JsonObject();
        if (bootstrap) labels["kubernetes.io/bootstrapping"] = "rbac-defaults";
        foreach (var label in aggregateLabels ?? []) labels[label] = "true";
        var metadata = new JsonObject { ["name"] = name, ["labels"] = labels };
        if (bootstrap) metadata["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" };
        return metadata;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static JsonObject[] AdminRules =>
    [
        Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
        Rule(ReadWrite, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
    ];

    private static JsonObject[] EditRules =>
    [
        Rule(Read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
        Rule(["impersonate"], [""], ["serviceaccounts"]),
        Rule(Write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
        Rule(["create"], [""], ["pods/eviction"]),
        Rule(Write, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
        Rule(["create"], [""], ["serviceaccounts/token"]),
        Rule(Write, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
        Rule(Write, ["autoscaling"], ["horizontalpodautoscalers"]),
        Rule(Write, ["batch"], ["cronjobs", "jobs"]),
        Rule(Write, ["policy"], ["poddisruptionbudgets"]),
        Rule(Write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
        Rule(ReadWrite, ["coordination.k8s.io"], ["leases"]),
    ];

    private static JsonObject[] ViewRules =>
    [
        Rule(Read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]),
        Rule(Read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
        Rule(Read, [""], ["namespaces"]),
        Rule(Read, ["discovery.k8s.io"], ["endpointslices"]),
        Rule(Read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"]),
        Rule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
        Rule(Read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
        Rule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        Rule(Read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
    ];
}
