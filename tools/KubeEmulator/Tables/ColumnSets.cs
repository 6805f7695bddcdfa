using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Tables;

/// <summary>Column sets matching the real server's printers for each built-in kind.</summary>
internal static class ColumnSets
{
    private static TableColumn Name => new("Name", "string", (o, _) => o.Name(), Format: "name", Description: "Name must be unique within a namespace.");

    private static TableColumn Age => new("Age", "string", (o, now) => KubeTime.Age(o.Str("metadata", "creationTimestamp"), now), Description: "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static TableColumn Int(string name, params string[] path) => new(name, "integer", (o, _) => o.Long(path) ?? 0);

    private static TableColumn Text(string name, Func<JsonObject, string> cell, int priority = 0) => new(name, "string", (o, _) => cell(o), priority);

    public static readonly IReadOnlyList<TableColumn> Default = [Name, Age];

    public static readonly IReadOnlyList<TableColumn> Namespaces = [Name, Text("Status", o => o.Str("status", "phase") ?? "Active"), Age];

    public static readonly IReadOnlyList<TableColumn> Nodes =
    [
        Name,
        Text("Status", o => (o.At("status", "conditions").Objects().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") ? "Ready" : "NotReady")
            + (o.Bool("spec", "unschedulable") == true ? ",SchedulingDisabled" : "")),
        Text("Roles", o => Roles(o)),
        Age,
        Text("Version", o => o.Str("status", "nodeInfo", "kubeletVersion") ?? ""),
        Text("Internal-IP", o => o.At("status", "addresses").Objects().FirstOrDefault(a => a.Str("type") == "InternalIP")?.Str("address") ?? "<none>", 1),
    ];

    public static readonly IReadOnlyList<TableColumn> Pods =
    [
        Name,
        Text("Ready", o => $"{o.At("status", "containerStatuses").Objects().Count(c => c.Bool("ready") == true)}/{o.At("spec", "containers").Objects().Count()}"),
        Text("Status", PodStatus),
        Int("Restarts", "status", "restartCount"),
        Age,
        Text("IP", o => o.Str("status", "podIP") ?? "<none>", 1),
        Text("Node", o => o.Str("spec", "nodeName") ?? "<none>", 1),
    ];

    public static readonly IReadOnlyList<TableColumn> Services =
    [
        Name,
        Text("Type", o => o.Str("spec", "type") ?? "ClusterIP"),
        Text("Cluster-IP", o => o.Str("spec", "clusterIP") ?? "<none>"),
        Text("External-IP", o => o.At("spec", "externalIPs").Strings().DefaultIfEmpty("<none>").Aggregate((a, b) => a + "," + b)),
        Text("Port(s)", o => string.Join(",", o.At("spec", "ports").Objects().Select(p => p.Long("nodePort") is { } node ? $"{p.Long("port")}:{node}/{p.Str("protocol") ?? "TCP"}" : $"{p.Long("port")}/{p.Str("protocol") ?? "TCP"}")).OrNone()),
        Age,
        Text("Selector", o => Selector(o.At("spec", "selector")), 1),
    ];

    public static readonly IReadOnlyList<TableColumn> ConfigMaps = [Name, new("Data", "integer", (o, _) => Count(o, "data") + Count(o, "binaryData")), Age];

    public static readonly IReadOnlyList<TableColumn> Secrets = [Name, Text("Type", o => o.Str("type") ?? "Opaque"), new("Data", "integer", (o, _) => Count(o, "data")), Age];

    public static readonly IReadOnlyList<TableColumn> ServiceAccounts = [Name, new("Secrets", "integer", (o, _) => o.At("secrets").Objects().Count()), Age];

    public static readonly IReadOnlyList<TableColumn> Events =
    [
        new("Last Seen", "string", (o, now) => KubeTime.Age(o.Str("lastTimestamp") ?? o.Str("eventTime") ?? o.Str("metadata", "creationTimestamp"), now)),
        Text("Type", o => o.Str("type") ?? ""),
        Text("Reason", o => o.Str("reason") ?? ""),
        Text("Object", o => $"{o.Str("involvedObject", "kind")?.ToLowerInvariant()}/{o.Str("involvedObject", "name")}"),
        Text("Message", o => o.Str("message") ?? ""),
    ];

    public static readonly IReadOnlyList<TableColumn> Deployments =
    [
        Name,
        Text("Ready", o => $"{o.Long("status", "readyReplicas") ?? 0}/{o.Long("spec", "replicas") ?? 1}"),
        Int("Up-to-date", "status", "updatedReplicas"),
        Int("Available", "status", "availableReplicas"),
        Age,
        Text("Containers", o => Containers(o, "name"), 1),
        Text("Images", o => Containers(o, "image"), 1),
        Text("Selector", o => Selector(o.At("spec", "selector", "matchLabels")), 1),
    ];

    public static readonly IReadOnlyList<TableColumn> ReplicaSets =
    [
        Name, Int("Desired", "spec", "replicas"), Int("Current", "status", "replicas"), Int("Ready", "status", "readyReplicas"), Age,
        Text("Containers", o => Containers(o, "name"), 1), Text("Images", o => Containers(o, "image"), 1),
    ];

    public static readonly IReadOnlyList<TableColumn> StatefulSets =
    [
        Name, Text("Ready", o => $"{o.Long("status", "readyReplicas") ?? 0}/{o.Long("spec", "replicas") ?? 1}"), Age,
        Text("Containers", o => Containers(o, "name"), 1), Text("Images", o => Containers(o, "image"), 1),
    ];

    public static readonly IReadOnlyList<TableColumn> DaemonSets =
    [
        Name, Int("Desired", "status", "desiredNumberScheduled"), Int("Current", "status", "currentNumberScheduled"),
        Int("Ready", "status", "numberReady"), Int("Up-to-date", "status", "updatedNumberScheduled"), Int("Available", "status", "numberAvailable"),
        Text("Node Selector", o => Selector(o.At("spec", "template", "spec", "nodeSelector"))), Age,
    ];

    public static readonly IReadOnlyList<TableColumn> Jobs =
    [
        Name,
        Text("Status", o => o.At("status", "conditions").Objects().Any(c => c.Str("type") == "Complete" && c.Str("status") == "True") ? "Complete" : "Running"),
        Text("Completions", o => $"{o.Long("status", "succeeded") ?? 0}/{o.Long("spec", "completions") ?? 1}"),
        Text("Duration", o => KubeTime.Parse(o.Str("status", "startTime")) is { } start
            ? KubeTime.Human((KubeTime.Parse(o.Str("status", "completionTime")) ?? DateTimeOffset.UtcNow) - start) : ""),
        Age,
    ];

    public static readonly IReadOnlyList<TableColumn> CustomResourceDefinitions = [Name, Text("Created At", o => o.Str("metadata", "creationTimestamp") ?? "")];

    private static string PodStatus(JsonObject o) =>
        o.At("metadata", "deletionTimestamp") is not null ? "Terminating" : o.Str("status", "phase") switch
        {
            "Succeeded" => "Completed",
            "Failed" => "Error",
            null => "Pending",
            var phase => phase,
        };

    private static int Count(JsonObject o, string field) => o[field] is JsonObject d ? d.Count : 0;

    private static string OrNone(this string s) => s.Length == 0 ? "<none>" : s;

    private static string Selector(JsonNode? labels) =>
        string.Join(",", JsonTree.StringMap(labels).Select(kv => $"{kv.Key}={kv.Value}")).OrNone();

    private static string Containers(JsonObject o, string field) =>
        string.Join(",", o.At("spec", "template", "spec", "containers").Objects().Select(c => c.Str(field) ?? ""));

    private static string Roles(JsonObject o)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = o.Labels().Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }
}
