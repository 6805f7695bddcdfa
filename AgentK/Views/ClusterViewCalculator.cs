using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Views;

/// <summary>Computes the cluster view from the cache: nodes, pods by phase per namespace, workloads short of replicas, warning rate.</summary>
internal sealed class ClusterViewCalculator(ClusterCache cache, IOptions<ClusterViewOptions> options, TimeProvider clock)
{
    /// <summary>The view as of now, without sequence number.</summary>
    public ClusterViewReport Compute()
    {
        var now = clock.GetUtcNow();
        var window = options.Value.WarningWindow;
        var view = new ClusterViewReport
        {
            WarningWindowSeconds = (int)window.TotalSeconds,
            ComputedAt = Timestamp.FromDateTimeOffset(now),
        };

        foreach (var node in cache.Objects("nodes"))
        {
            view.NodeCount++;
            if (node.Field(FieldPaths.Ready) == "True")
            {
                view.NodesReady++;
            }
        }

        view.Pods.AddRange(PodsByNamespace());
        view.WorkloadsNotAvailable.AddRange(UnavailableWorkloads());
        var since = now - window;
        var warnings = cache.Objects("events").Count(e => e.Field(FieldPaths.EventType) == "Warning" && LastSeen(e) >= since);
        view.WarningEventsPerMinute = Math.Round(warnings / window.TotalMinutes, 3);
        return view;
    }

    /// <summary>True when two views say the same about the cluster (sequence and time aside).</summary>
    public static bool SameContent(ClusterViewReport a, ClusterViewReport b)
    {
        var left = a.Clone();
        var right = b.Clone();
        left.Sequence = right.Sequence = 0;
        left.ComputedAt = right.ComputedAt = null;
        return left.Equals(right);
    }

    private IEnumerable<NamespacePodCounts> PodsByNamespace()
    {
        var counts = new SortedDictionary<string, NamespacePodCounts>(StringComparer.Ordinal);
        foreach (var pod in cache.Objects("pods"))
        {
            if (!counts.TryGetValue(pod.Namespace, out var row))
            {
                counts[pod.Namespace] = row = new NamespacePodCounts { Namespace = pod.Namespace };
            }

            switch (pod.Field(FieldPaths.Phase))
            {
                case "Pending": row.Pending++; break;
                case "Running": row.Running++; break;
                case "Succeeded": row.Succeeded++; break;
                case "Failed": row.Failed++; break;
                default: row.Unknown++; break;
            }
        }

        return counts.Values;
    }

    private IEnumerable<WorkloadAvailability> UnavailableWorkloads()
    {
        var deployments = cache.Objects("deployments")
            .Select(d => Availability(d, d.IntField(FieldPaths.Replicas, 1), d.IntField(FieldPaths.AvailableReplicas)));
        var statefulSets = cache.Objects("statefulsets")
            .Select(s => Availability(s, s.IntField(FieldPaths.Replicas, 1), s.IntField(FieldPaths.AvailableReplicas)));
        var daemonSets = cache.Objects("daemonsets")
            .Select(d => Availability(d, d.IntField(FieldPaths.DesiredNumberScheduled), d.IntField(FieldPaths.NumberAvailable)));
        return deployments.Concat(statefulSets).Concat(daemonSets)
            .Where(w => w.Available < w.Desired)
            .OrderBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Kind, StringComparer.Ordinal)
            .ThenBy(w => w.Name, StringComparer.Ordinal);
    }

    private static WorkloadAvailability Availability(CachedObject workload, int desired, int available) => new()
    {
        Kind = workload.Kind,
        Namespace = workload.Namespace,
        Name = workload.Name,
        Desired = desired,
        Available = available,
    };

    private static DateTimeOffset LastSeen(CachedObject e) =>
        e.Field(FieldPaths.EventLastSeen) is { } value && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var seen)
            ? seen
            : e.CreatedAt ?? DateTimeOffset.MinValue;
}
