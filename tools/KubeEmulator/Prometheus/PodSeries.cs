using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>
/// The metrics the emulator's Prometheus knows, computed from the pods the cluster holds: <c>up</c> (one scrape
/// target per pod with an IP, 1 while Running), and kube-state-metrics' <c>kube_pod_info</c> and
/// <c>kube_pod_status_phase</c>. There is no history: at an instant, a pod counts when it existed by then and still
/// exists now.
/// </summary>
internal sealed class PodSeries(ObjectService objects)
{
    public const string Up = "up", PodInfo = "kube_pod_info", PodStatusPhase = "kube_pod_status_phase";
    private static readonly string[] Phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

    /// <summary>The pods that existed at <paramref name="at"/>, read once per query.</summary>
    public static IReadOnlyList<JsonObject> PodsAt(DateTimeOffset at, IReadOnlyList<JsonObject> pods) =>
        pods.Where(p => DateTimeOffset.TryParse(p.Str("metadata", "creationTimestamp"), out var created) && created <= at).ToList();

    public IReadOnlyList<JsonObject> CurrentPods() => objects.List(BuiltInKinds.Pod);

    /// <summary>Every sample of <paramref name="metric"/> (every metric when null) over <paramref name="pods"/>.</summary>
    public IEnumerable<PromSample> Samples(string? metric, IReadOnlyList<JsonObject> pods)
    {
        foreach (var pod in pods)
        {
            var phase = pod.Str("status", "phase") ?? "Unknown";
            var ip = pod.Str("status", "podIP");
            if ((metric is null or Up) && ip is not null)
            {
                var port = pod.At("spec", "containers").Objects().SelectMany(c => c.At("ports").Objects()).Select(p => p.Long("containerPort")).FirstOrDefault(p => p is not null);
                yield return new PromSample(Labels(Up, pod, ("job", "kubernetes-pods"), ("instance", port is null ? ip : $"{ip}:{port}")), phase == "Running" ? 1 : 0);
            }
            if (metric is null or PodInfo)
            {
                var owner = pod.At("metadata", "ownerReferences").Objects().FirstOrDefault(o => o.Bool("controller") == true);
                yield return new PromSample(Labels(PodInfo, pod, ("job", "kube-state-metrics"), ("uid", pod.Str("metadata", "uid") ?? ""),
                    ("node", pod.Str("spec", "nodeName") ?? ""), ("pod_ip", ip ?? ""), ("host_ip", pod.Str("status", "hostIP") ?? ""),
                    ("created_by_kind", owner?.Str("kind") ?? "<none>"), ("created_by_name", owner?.Str("name") ?? "<none>")), 1);
            }
            if (metric is null or PodStatusPhase)
            {
                foreach (var candidate in Phases)
                {
                    yield return new PromSample(Labels(PodStatusPhase, pod, ("job", "kube-state-metrics"), ("uid", pod.Str("metadata", "uid") ?? ""), ("phase", candidate)),
                        candidate == phase ? 1 : 0);
                }
            }
        }
    }

    private static Dictionary<string, string> Labels(string name, JsonObject pod, params (string Key, string Value)[] more)
    {
        var labels = new Dictionary<string, string> { ["__name__"] = name, ["namespace"] = pod.Namespace() ?? "", ["pod"] = pod.Name() };
        foreach (var (key, value) in more) labels[key] = value;
        return labels;
    }
}
