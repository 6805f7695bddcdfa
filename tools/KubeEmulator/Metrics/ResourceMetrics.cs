using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Controllers;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Selectors;

namespace Plural.KubeEmulator.Metrics;

/// <summary>
/// <c>metrics.k8s.io/v1beta1</c> NodeMetrics and PodMetrics, made up on each request from stable
/// per-container figures that drift a little each minute, so <c>kubectl top</c> has something to show.
/// </summary>
internal sealed class ResourceMetrics(ObjectService objects)
{
    public const string Group = "metrics.k8s.io";

    public static readonly ResourceKind NodeMetrics = new(Group, "v1beta1", "NodeMetrics", "nodes", "", false) { Verbs = ["get", "list"], Stored = false };

    public static readonly ResourceKind PodMetrics = new(Group, "v1beta1", "PodMetrics", "pods", "", true) { Verbs = ["get", "list"], Stored = false };

    public async Task ServeAsync(ApiRequest request)
    {
        var labels = LabelSelectors.Parse(request.Query("labelSelector"));
        var now = objects.Now;
        var pods = objects.List(BuiltInKinds.Pod).Where(p => p.Str("status", "phase") == "Running" && !p.IsTerminating()).ToList();
        List<JsonObject> items = request.Kind == NodeMetrics
            ? objects.List(BuiltInKinds.Node).Where(labels.Matches).Select(n => Node(n, pods.Where(p => p.Str("spec", "nodeName") == n.Name()), now)).ToList()
            : pods.Where(p => (request.Namespace is null || p.Namespace() == request.Namespace) && labels.Matches(p)).Select(p => Pod(p, now)).ToList();
        if (request.Path.Name is { } name)
        {
            var item = items.FirstOrDefault(i => i.Name() == name) ?? throw Errors.NotFound($"{request.Kind.Plural}.{Group}", name);
            await request.RespondAsync(200, item);
            return;
        }
        await request.RespondAsync(200, new JsonObject
        {
            ["kind"] = request.Kind.ListKind,
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        });
    }

    private static JsonObject Pod(JsonObject pod, DateTimeOffset now) => new()
    {
        ["kind"] = "PodMetrics",
        ["apiVersion"] = $"{Group}/v1beta1",
        ["metadata"] = new JsonObject { ["name"] = pod.Name(), ["namespace"] = pod.Namespace(), ["labels"] = pod.At("metadata", "labels")?.DeepClone(), ["creationTimestamp"] = KubeTime.Format(now) },
        ["timestamp"] = KubeTime.Format(now),
        ["window"] = "10s",
        ["containers"] = new JsonArray(pod.At("spec", "containers").Objects().Select(c =>
        {
            var (cpu, memory) = Usage(pod.Name() + "/" + c.Str("name"), now);
            return (JsonNode)new JsonObject { ["name"] = c.Str("name"), ["usage"] = Quantities(cpu, memory) };
        }).ToArray()),
    };

    private static JsonObject Node(JsonObject node, IEnumerable<JsonObject> pods, DateTimeOffset now)
    {
        long cpu = 150, memory = 900 * 1024;
        foreach (var pod in pods)
        {
            foreach (var c in pod.At("spec", "containers").Objects())
            {
                var usage = Usage(pod.Name() + "/" + c.Str("name"), now);
                cpu += usage.MilliCpu;
                memory += usage.KiB;
            }
        }
        return new JsonObject
        {
            ["kind"] = "NodeMetrics",
            ["apiVersion"] = $"{Group}/v1beta1",
            ["metadata"] = new JsonObject { ["name"] = node.Name(), ["labels"] = node.At("metadata", "labels")?.DeepClone(), ["creationTimestamp"] = KubeTime.Format(now) },
            ["timestamp"] = KubeTime.Format(now),
            ["window"] = "20s",
            ["usage"] = Quantities(cpu, memory),
        };
    }

    /// <summary>A container's usage: a stable base from its identity plus a small per-minute drift.</summary>
    private static (long MilliCpu, long KiB) Usage(string identity, DateTimeOffset now)
    {
        var seed = Ownership.StableHash(JsonValue.Create(identity));
        var baseHash = seed.Aggregate(0L, (h, ch) => h * 31 + ch) & 0x7FFFFFFF;
        var drift = (now.ToUnixTimeSeconds() / 60 + baseHash) % 7;
        return (5 + baseHash % 120 + drift, (16 + baseHash % 240 + drift) * 1024);
    }

    private static JsonObject Quantities(long milliCpu, long kib) => new() { ["cpu"] = $"{milliCpu}m", ["memory"] = $"{kib}Ki" };
}
