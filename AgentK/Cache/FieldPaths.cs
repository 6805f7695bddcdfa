namespace Plural.AgentK.Cache;

/// <summary>The field paths the cache keeps, by kind. Field selectors of cached queries use the same names.</summary>
internal static class FieldPaths
{
    public const string Name = "metadata.name";
    public const string Namespace = "metadata.namespace";

    public const string Phase = "status.phase";
    public const string NodeName = "spec.nodeName";
    public const string Ready = "status.ready";
    public const string Reason = "status.reason";
    public const string Restarts = "status.restarts";

    public const string Unschedulable = "spec.unschedulable";

    public const string Replicas = "spec.replicas";
    public const string StatusReplicas = "status.replicas";
    public const string ReadyReplicas = "status.readyReplicas";
    public const string AvailableReplicas = "status.availableReplicas";
    public const string UpdatedReplicas = "status.updatedReplicas";

    public const string DesiredNumberScheduled = "status.desiredNumberScheduled";
    public const string NumberReady = "status.numberReady";
    public const string NumberAvailable = "status.numberAvailable";

    public const string Completions = "spec.completions";
    public const string Active = "status.active";
    public const string Succeeded = "status.succeeded";
    public const string Failed = "status.failed";

    public const string ServiceType = "spec.type";
    public const string ClusterIp = "spec.clusterIP";

    public const string EventType = "type";
    public const string EventReason = "reason";
    public const string EventMessage = "message";
    public const string EventCount = "count";
    public const string EventLastSeen = "lastTimestamp";
    public const string InvolvedKind = "involvedObject.kind";
    public const string InvolvedName = "involvedObject.name";
    public const string InvolvedNamespace = "involvedObject.namespace";
}
