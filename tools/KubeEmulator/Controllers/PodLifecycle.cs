using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Scheduler and kubelet in one: binds pending pods to ready nodes, starts their containers at once,
/// and lets pods that run to completion (restartPolicy Never/OnFailure) succeed after
/// <see cref="KubeEmulatorOptions.JobPodRunTime"/>.
/// </summary>
internal sealed class PodLifecycle(ObjectService objects, EventRecorder events, KubeEmulatorOptions options) : IReconciler
{
    private int _nextPodIp;

    public void Reconcile()
    {
        var nodes = objects.List(BuiltInKinds.Node).Where(n => Conditions.IsTrue(n, "Ready") && n.Bool("spec", "unschedulable") != true).ToList();
        foreach (var pod in objects.List(BuiltInKinds.Pod).Where(p => !p.IsTerminating()))
        {
            switch (pod.Str("status", "phase"))
            {
                case "Pending" or null when nodes.Count > 0 || pod.Str("spec", "nodeName") is not null:
                    Start(pod, pod.Str("spec", "nodeName") ?? nodes[(int)((uint)pod.Name().GetHashCode(StringComparison.Ordinal) % (uint)nodes.Count)].Name());
                    break;
                case "Running" when RunsToCompletion(pod) && KubeTime.Parse(pod.Str("status", "startTime")) is { } started && objects.Now - started >= options.JobPodRunTime:
                    Complete(pod);
                    break;
            }
        }
    }

    private static bool RunsToCompletion(JsonObject pod) => pod.Str("spec", "restartPolicy") is "Never" or "OnFailure";

    private void Start(JsonObject pod, string nodeName)
    {
        var node = objects.Find(BuiltInKinds.Node, null, nodeName);
        var hostIp = node?.At("status", "addresses").Objects().FirstOrDefault(a => a.Str("type") == "InternalIP")?.Str("address") ?? "10.0.0.1";
        var n = Interlocked.Increment(ref _nextPodIp);
        var podIp = $"10.244.{n / 250 % 250}.{n % 250 + 2}";
        var now = KubeTime.Format(objects.Now);
        if (pod.Str("spec", "nodeName") is null)
        {
            pod = objects.Change(BuiltInKinds.Pod, pod.Namespace(), pod.Name(), p => { p.Obj("spec")["nodeName"] = nodeName; return p; }, null, null);
            events.Record(pod, "Scheduled", $"Successfully assigned {pod.Namespace()}/{pod.Name()} to {nodeName}", component: "default-scheduler");
        }
        objects.Change(BuiltInKinds.Pod, pod.Namespace(), pod.Name(), p =>
        {
            var status = new JsonObject
            {
                ["phase"] = "Running",
                ["conditions"] = new JsonArray(new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" }
                    .Select(type => (JsonNode)new JsonObject { ["type"] = type, ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now }).ToArray()),
            };
            status["hostIP"] = hostIp;
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp });
            status["podIP"] = podIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp });
            status["startTime"] = now;
            status["qosClass"] = "BestEffort";
            status["containerStatuses"] = new JsonArray(p.At("spec", "containers").Objects().Select(c => (JsonNode)ContainerStatus(c, now, running: true)).ToArray());
            p["status"] = status;
            return p;
        }, null, "status");
        foreach (var c in pod.At("spec", "containers").Objects())
        {
            events.Record(pod, "Pulled", $"Container image \"{c.Str("image")}\" already present on machine", component: "kubelet");
            events.Record(pod, "Started", $"Started container {c.Str("name")}", component: "kubelet");
        }
    }

    private void Complete(JsonObject pod)
    {
        var now = KubeTime.Format(objects.Now);
        objects.Change(BuiltInKinds.Pod, pod.Namespace(), pod.Name(), p =>
        {
            var status = p.Obj("status");
            status["phase"] = "Succeeded";
            foreach (var type in new[] { "Ready", "ContainersReady" }) Conditions.Set(status, type, false, "PodCompleted", "", objects.Now);
            status["containerStatuses"] = new JsonArray(p.At("spec", "containers").Objects().Select(c => (JsonNode)ContainerStatus(c, now, running: false)).ToArray());
            return p;
        }, null, "status");
    }

    private static JsonObject ContainerStatus(JsonObject container, string now, bool running) => new()
    {
        ["name"] = container.Str("name"),
        ["image"] = container.Str("image"),
        ["imageID"] = $"docker.io/library/{container.Str("image")}@sha256:{Ownership.StableHash(container["image"])}",
        ["containerID"] = $"containerd://{Ownership.StableHash(container)}",
        ["ready"] = running,
        ["started"] = running,
        ["restartCount"] = 0,
        ["state"] = running
            ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }
            : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = now, ["finishedAt"] = now } },
        ["lastState"] = new JsonObject(),
    };
}
