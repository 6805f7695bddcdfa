using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// The defaults the real API server fills in that users see in <c>-o yaml</c> and that controllers
/// and clients rely on (replicas, restart policy, service ports…). Only fields that are absent are set.
/// </summary>
internal static class ObjectDefaults
{
    public static void Apply(JsonObject o, ClusterNetwork network)
    {
        switch (o.Str("kind"))
        {
            case "Namespace":
                o.Obj("spec")["finalizers"] ??= new JsonArray("kubernetes");
                o.Obj("status")["phase"] ??= "Active";
                break;
            case "Pod":
                PodSpec(o.Obj("spec"));
                // The ServiceAccount admission plugin's doing: every pod runs as a service account, "default" unless named.
                o.Obj("spec")["serviceAccountName"] ??= "default";
                o.Obj("spec")["serviceAccount"] ??= o.Str("spec", "serviceAccountName");
                o.Obj("status")["phase"] ??= "Pending";
                break;
            case "Deployment":
                var spec = o.Obj("spec");
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                if (spec.Str("strategy", "type") is null) spec["strategy"] = new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
                };
                Template(spec);
                break;
            case "ReplicaSet" or "StatefulSet":
                o.Obj("spec")["replicas"] ??= 1;
                Template(o.Obj("spec"));
                break;
            case "DaemonSet":
                Template(o.Obj("spec"));
                break;
            case "Job":
                var job = o.Obj("spec");
                job["completions"] ??= 1;
                job["parallelism"] ??= 1;
                job["backoffLimit"] ??= 6;
                var template = job.Obj("template").Obj("spec");
                template["restartPolicy"] ??= "Never";
                Template(job);
                break;
            case "Service":
                Service(o.Obj("spec"), network);
                break;
            case "Secret":
                o["type"] ??= "Opaque";
                break;
        }
    }

    /// <summary>
    /// Values the server allocated that an update may leave out (a re-applied Service manifest has no
    /// cluster IP or node ports): they carry over from the stored object instead of being reallocated.
    /// </summary>
    public static void CarryOver(JsonObject current, JsonObject next)
    {
        if (next.Str("kind") != "Service" || next["spec"] is not JsonObject spec) return;
        if (spec.Str("clusterIP") is null)
        {
            spec["clusterIP"] = current.At("spec", "clusterIP")?.DeepClone();
            spec["clusterIPs"] = current.At("spec", "clusterIPs")?.DeepClone();
        }
        var allocated = current.At("spec", "ports").Objects().Where(p => p.Long("nodePort") is not null).ToList();
        foreach (var port in spec["ports"].Objects().Where(p => p.Long("nodePort") is null or 0))
        {
            var previous = allocated.FirstOrDefault(p => p.Long("port") == port.Long("port") && (p.Str("protocol") ?? "TCP") == (port.Str("protocol") ?? "TCP"));
            if (previous is not null) port["nodePort"] = previous.Long("nodePort");
        }
    }

    private static void Template(JsonObject spec)
    {
        if (spec["template"] is JsonObject t && t["spec"] is JsonObject podSpec) PodSpec(podSpec);
    }

    private static void PodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["securityContext"] ??= new JsonObject();
        foreach (var c in spec["containers"].Objects().Concat(spec["initContainers"].Objects()))
        {
            var image = c.Str("image") ?? "";
            c["imagePullPolicy"] ??= image.EndsWith(":latest", StringComparison.Ordinal) || !image.Contains(':') ? "Always" : "IfNotPresent";
            c["terminationMessagePath"] ??= "/dev/termination-log";
            c["terminationMessagePolicy"] ??= "File";
            c["resources"] ??= new JsonObject();
            foreach (var p in c["ports"].Objects()) p["protocol"] ??= "TCP";
        }
    }

    private static void Service(JsonObject spec, ClusterNetwork network)
    {
        var exposesNodePorts = spec.Str("type") is "NodePort" or "LoadBalancer";
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        if (spec.Str("clusterIP") is null)
        {
            var ip = network.NextClusterIp();
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
        }
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
        spec["internalTrafficPolicy"] ??= "Cluster";
        foreach (var p in spec["ports"].Objects())
        {
            p["protocol"] ??= "TCP";
            p["targetPort"] ??= p["port"]?.DeepClone();
            if (exposesNodePorts && p.Long("nodePort") is null or 0) p["nodePort"] = network.NextNodePort();
        }
    }
}
