using Plural.Grains.Cluster;
using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Maps the agent's cluster reports to the records streams and grains carry, and rejects what no well-behaved
/// agent sends (so one agent cannot bloat every subscriber's stream).
/// </summary>
internal static class ClusterReportMapper
{
    /// <summary>Most events in one batch.</summary>
    public const int MaxBatchEvents = 5000;

    /// <summary>Most namespaces or workloads in one view.</summary>
    public const int MaxViewRows = 100_000;

    private const int MaxNameLength = 253, MaxSummaryLength = 1024;

    /// <summary>The batch's events as stream records; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static IReadOnlyList<ClusterEvent> ToEvents(string agentId, ClusterEventBatch batch)
    {
        if (batch.Events.Count > MaxBatchEvents)
        {
            throw new ArgumentException($"a cluster event batch holds {batch.Events.Count} events, more than {MaxBatchEvents}");
        }

        return [.. batch.Events.Select(e => ToEvent(agentId, e))];
    }

    /// <summary>The report as a view record; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static ClusterView ToView(string agentId, ClusterViewReport report)
    {
        if (report.NodeCount < 0 || report.NodesReady < 0 || report.NodesReady > report.NodeCount)
        {
            throw new ArgumentException($"cluster view node counts are inconsistent ({report.NodesReady} ready of {report.NodeCount})");
        }

        if (report.Pods.Count > MaxViewRows || report.WorkloadsNotAvailable.Count > MaxViewRows)
        {
            throw new ArgumentException($"a cluster view holds more than {MaxViewRows} rows");
        }

        if (!double.IsFinite(report.WarningEventsPerMinute) || report.WarningEventsPerMinute < 0 || report.WarningWindowSeconds < 0)
        {
            throw new ArgumentException("cluster view warning rate must be a non-negative number");
        }

        var pods = report.Pods
            .Select(p => new NamespacePodPhases(Name(p.Namespace, "pods namespace"), Count(p.Pending), Count(p.Running), Count(p.Succeeded), Count(p.Failed), Count(p.Unknown)))
            .ToList();
        var workloads = report.WorkloadsNotAvailable
            .Select(w => new UnavailableWorkload(Name(w.Kind, "workload kind"), Name(w.Namespace, "workload namespace"), Name(w.Name, "workload name"), Count(w.Desired), Count(w.Available)))
            .ToList();
        return new ClusterView(agentId, report.Sequence, report.NodeCount, report.NodesReady, pods, workloads,
            report.WarningEventsPerMinute, TimeSpan.FromSeconds(report.WarningWindowSeconds),
            report.ComputedAt?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow);
    }

    private static ClusterEvent ToEvent(string agentId, ClusterEventRecord e)
    {
        if (e.Type is not (ClusterEventTypes.Added or ClusterEventTypes.Modified or ClusterEventTypes.Deleted))
        {
            throw new ArgumentException($"cluster event {e.Sequence} has type '{Truncate(e.Type)}', not ADDED, MODIFIED or DELETED");
        }

        if (e.Name.Length == 0)
        {
            throw new ArgumentException($"cluster event {e.Sequence} names no object");
        }

        if (e.Summary.Length > MaxSummaryLength)
        {
            throw new ArgumentException($"cluster event {e.Sequence} has a summary longer than {MaxSummaryLength} characters");
        }

        return new ClusterEvent(agentId, e.Sequence, e.Type, Name(e.Kind, "event kind"), Name(e.Namespace, "event namespace"),
            Name(e.Name, "event name"), Name(e.ResourceVersion, "resourceVersion"), e.Summary,
            e.ObservedAt?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow);
    }

    private static string Name(string value, string what) =>
        value.Length <= MaxNameLength ? value : throw new ArgumentException($"{what} is longer than {MaxNameLength} characters");

    private static int Count(int value) =>
        value >= 0 ? value : throw new ArgumentException("cluster view counts must not be negative");

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "...";
}
