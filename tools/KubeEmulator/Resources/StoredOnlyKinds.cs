using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Resources;

/// <summary>
/// Kinds that are stored and served with full API semantics but have no controller behind them
/// (nothing schedules CronJobs, binds claims; Endpoints and EndpointSlices are
/// kept up to date by the service endpoints controller): enough for manifests that include
/// them to apply, and for clients that list them to find them.
/// </summary>
internal static class StoredOnlyKinds
{
    private static TableColumn Name => ColumnSets.Default[0];

    private static TableColumn Age => ColumnSets.Default[1];

    private static TableColumn Text(string name, Func<System.Text.Json.Nodes.JsonObject, string> cell) => new(name, "string", (o, _) => cell(o));

    public static readonly IReadOnlyList<ResourceKind> All =
    [
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true)
        {
            ShortNames = ["pvc"], HasStatus = true,
            Columns = [Name, Text("Status", o => o.Str("status", "phase") ?? "Pending"), Text("Volume", o => o.Str("spec", "volumeName") ?? ""), Text("StorageClass", o => o.Str("spec", "storageClassName") ?? ""), Age],
        },
        new("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false) { ShortNames = ["pv"], HasStatus = true },
        new("", "v1", "Endpoints", "endpoints", "endpoints", true)
        {
            ShortNames = ["ep"],
            Columns = [Name, Text("Endpoints", o => string.Join(",", o.At("subsets").Objects().SelectMany(s => s.At("addresses").Objects().SelectMany(a => s.At("ports").Objects().Select(p => $"{a.Str("ip")}:{p.Long("port")}")))).OrDefault("<none>")), Age],
        },
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true)
        {
            Columns = [Name, Text("AddressType", o => o.Str("addressType") ?? ""), Text("Ports", o => string.Join(",", o.At("ports").Objects().Select(p => p.Long("port")?.ToString() ?? "")).OrDefault("<unset>")),
                Text("Endpoints", o => string.Join(",", o.At("endpoints").Objects().SelectMany(e => e.At("addresses").Strings())).OrDefault("<unset>")), Age],
        },
        new("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true) { ShortNames = ["quota"], HasStatus = true },
        new("", "v1", "LimitRange", "limitranges", "limitrange", true) { ShortNames = ["limits"] },
        new("batch", "v1", "CronJob", "cronjobs", "cronjob", true)
        {
            ShortNames = ["cj"], Categories = ["all"], HasStatus = true, MergeKeys = MergeKeySets.Workload,
            Columns = [Name, Text("Schedule", o => o.Str("spec", "schedule") ?? ""), Text("Suspend", o => o.Bool("spec", "suspend") == true ? "True" : "False"), Age],
        },
        new("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true)
        {
            ShortNames = ["ing"], HasStatus = true,
            Columns = [Name, Text("Class", o => o.Str("spec", "ingressClassName") ?? "<none>"), Text("Hosts", o => string.Join(",", o.At("spec", "rules").Objects().Select(r => r.Str("host") ?? "*")).OrDefault("*")), Age],
        },
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true) { ShortNames = ["netpol"] },
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true) { ShortNames = ["pdb"], HasStatus = true },
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true) { ShortNames = ["hpa"], Categories = ["all"], HasStatus = true },
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false) { ShortNames = ["sc"] },
        new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true),
    ];

    private static string OrDefault(this string s, string fallback) => s.Length == 0 ? fallback : s;
}
