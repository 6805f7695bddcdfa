using System.Globalization;
using k8s;
using k8s.Models;

namespace Plural.AgentK.Cache;

/// <summary>Turns full Kubernetes objects into <see cref="CachedObject"/>s: the kept fields and a one-line summary.</summary>
internal static class Projections
{
    public static CachedObject Pod(V1Pod pod, ProjectionContext context)
    {
        var status = pod.Status;
        var phase = status?.Phase ?? "Unknown";
        var containers = status?.ContainerStatuses ?? [];
        var ready = containers.Count(c => c.Ready);
        var restarts = containers.Sum(c => c.RestartCount);
        var reason = status?.Reason ?? containers.Select(c => c.State?.Waiting?.Reason).FirstOrDefault(r => !string.IsNullOrEmpty(r));
        var podReady = status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";
        var fields = new Dictionary<string, string>(5)
        {
            [FieldPaths.Phase] = phase,
            [FieldPaths.Ready] = podReady ? "true" : "false",
            [FieldPaths.Restarts] = Int(restarts),
        };
        Put(fields, FieldPaths.NodeName, pod.Spec?.NodeName);
        Put(fields, FieldPaths.Reason, reason);
        var total = pod.Spec?.Containers?.Count ?? containers.Count;
        var summary = $"{reason ?? phase} {ready}/{total} ready";
        return Build(pod, "Pod", fields, summary, context);
    }

    public static CachedObject Node(V1Node node, ProjectionContext context)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status ?? "Unknown";
        var unschedulable = node.Spec?.Unschedulable == true;
        var fields = new Dictionary<string, string>(2)
        {
            [FieldPaths.Ready] = ready,
            [FieldPaths.Unschedulable] = unschedulable ? "true" : "false",
        };
        var summary = (ready == "True" ? "Ready" : "NotReady") + (unschedulable ? ",SchedulingDisabled" : "");
        return Build(node, "Node", fields, summary, context);
    }

    public static CachedObject Namespace(V1Namespace ns, ProjectionContext context)
    {
        var phase = ns.Status?.Phase ?? "Active";
        return Build(ns, "Namespace", new Dictionary<string, string>(1) { [FieldPaths.Phase] = phase }, phase, context);
    }

    public static CachedObject Deployment(V1Deployment deployment, ProjectionContext context)
    {
        var desired = deployment.Spec?.Replicas ?? 1;
        var available = deployment.Status?.AvailableReplicas ?? 0;
        var fields = new Dictionary<string, string>(5)
        {
            [FieldPaths.Replicas] = Int(desired),
            [FieldPaths.StatusReplicas] = Int(deployment.Status?.Replicas ?? 0),
            [FieldPaths.ReadyReplicas] = Int(deployment.Status?.ReadyReplicas ?? 0),
            [FieldPaths.AvailableReplicas] = Int(available),
            [FieldPaths.UpdatedReplicas] = Int(deployment.Status?.UpdatedReplicas ?? 0),
        };
        return Build(deployment, "Deployment", fields, $"{available}/{desired} available", context);
    }

    public static CachedObject StatefulSet(V1StatefulSet set, ProjectionContext context)
    {
        var desired = set.Spec?.Replicas ?? 1;
        var ready = set.Status?.ReadyReplicas ?? 0;
        var fields = new Dictionary<string, string>(3)
        {
            [FieldPaths.Replicas] = Int(desired),
            [FieldPaths.ReadyReplicas] = Int(ready),
            [FieldPaths.AvailableReplicas] = Int(set.Status?.AvailableReplicas ?? ready),
        };
        return Build(set, "StatefulSet", fields, $"{ready}/{desired} ready", context);
    }

    public static CachedObject DaemonSet(V1DaemonSet set, ProjectionContext context)
    {
        var desired = set.Status?.DesiredNumberScheduled ?? 0;
        var available = set.Status?.NumberAvailable ?? 0;
        var fields = new Dictionary<string, string>(3)
        {
            [FieldPaths.DesiredNumberScheduled] = Int(desired),
            [FieldPaths.NumberReady] = Int(set.Status?.NumberReady ?? 0),
            [FieldPaths.NumberAvailable] = Int(available),
        };
        return Build(set, "DaemonSet", fields, $"{available}/{desired} available", context);
    }

    public static CachedObject ReplicaSet(V1ReplicaSet set, ProjectionContext context)
    {
        var desired = set.Spec?.Replicas ?? 1;
        var available = set.Status?.AvailableReplicas ?? 0;
        var fields = new Dictionary<string, string>(3)
        {
            [FieldPaths.Replicas] = Int(desired),
            [FieldPaths.ReadyReplicas] = Int(set.Status?.ReadyReplicas ?? 0),
            [FieldPaths.AvailableReplicas] = Int(available),
        };
        return Build(set, "ReplicaSet", fields, $"{available}/{desired} available", context);
    }

    public static CachedObject Job(V1Job job, ProjectionContext context)
    {
        var status = job.Status;
        var conditions = status?.Conditions ?? [];
        var state = conditions.Any(c => c.Type == "Complete" && c.Status == "True") ? "Complete"
            : conditions.Any(c => c.Type == "Failed" && c.Status == "True") ? "Failed"
            : "Running";
        var fields = new Dictionary<string, string>(5)
        {
            [FieldPaths.Phase] = state,
            [FieldPaths.Completions] = Int(job.Spec?.Completions ?? 1),
            [FieldPaths.Active] = Int(status?.Active ?? 0),
            [FieldPaths.Succeeded] = Int(status?.Succeeded ?? 0),
            [FieldPaths.Failed] = Int(status?.Failed ?? 0),
        };
        return Build(job, "Job", fields, $"{state} {status?.Succeeded ?? 0}/{job.Spec?.Completions ?? 1}", context);
    }

    public static CachedObject Service(V1Service service, ProjectionContext context)
    {
        var type = service.Spec?.Type ?? "ClusterIP";
        var fields = new Dictionary<string, string>(2) { [FieldPaths.ServiceType] = type };
        Put(fields, FieldPaths.ClusterIp, service.Spec?.ClusterIP);
        return Build(service, "Service", fields, type, context);
    }

    public static CachedObject Event(Corev1Event e, ProjectionContext context)
    {
        var type = e.Type ?? "Normal";
        var message = e.Message ?? "";
        if (message.Length > context.EventMessageLength)
        {
            message = message[..context.EventMessageLength];
        }

        var lastSeen = e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp;
        var fields = new Dictionary<string, string>(8)
        {
            [FieldPaths.EventType] = type,
            [FieldPaths.EventCount] = Int(e.Count ?? 1),
            [FieldPaths.EventMessage] = message,
        };
        Put(fields, FieldPaths.EventReason, e.Reason);
        Put(fields, FieldPaths.InvolvedKind, e.InvolvedObject?.Kind);
        Put(fields, FieldPaths.InvolvedName, e.InvolvedObject?.Name);
        Put(fields, FieldPaths.InvolvedNamespace, e.InvolvedObject?.NamespaceProperty);
        if (lastSeen is { } seen)
        {
            fields[FieldPaths.EventLastSeen] = new DateTimeOffset(DateTime.SpecifyKind(seen, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture);
        }

        var summary = $"{type} {e.Reason}: {message}";
        return Build(e, "Event", fields, summary.Length > 200 ? summary[..200] : summary, context);
    }

    private static CachedObject Build(IKubernetesObject<V1ObjectMeta> item, string kind, Dictionary<string, string> fields, string summary, ProjectionContext context)
    {
        var metadata = item.Metadata;
        IReadOnlyDictionary<string, string> labels = context.StoreLabels && metadata.Labels is { Count: > 0 } l
            ? new Dictionary<string, string>(l)
            : CachedObject.None;
        DateTimeOffset? created = metadata.CreationTimestamp is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : null;
        return new CachedObject(kind, metadata.NamespaceProperty ?? "", metadata.Name ?? "", metadata.ResourceVersion ?? "", labels, fields, created, summary);
    }

    private static void Put(Dictionary<string, string> fields, string path, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields[path] = value;
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
