namespace Plural.Grains.Cluster;

/// <summary>
/// The precomputed state of one agent's cluster, computed by the agent from its informer cache and pushed when it
/// changes. Published one per stream message on <see cref="Streams.StreamNames.ClusterViews"/> keyed by the agent id.
/// </summary>
/// <param name="AgentId">The agent that computed the view (also the stream key).</param>
/// <param name="Sequence">Per agent process, increasing with each pushed view.</param>
/// <param name="NodeCount">Nodes in the cluster.</param>
/// <param name="NodesReady">Nodes whose <c>Ready</c> condition is <c>True</c>.</param>
/// <param name="PodsByNamespace">Pod counts by phase, one entry per namespace that has pods, ordered by namespace.</param>
/// <param name="WorkloadsNotAvailable">
/// Deployments, stateful sets and daemon sets with fewer available replicas than desired, ordered by namespace,
/// kind and name.
/// </param>
/// <param name="WarningEventsPerMinute">
/// Kubernetes events of type <c>Warning</c> seen in the last <paramref name="WarningWindow"/>, per minute.
/// </param>
/// <param name="WarningWindow">The window the warning rate is measured over.</param>
/// <param name="ComputedAt">When the agent computed the view (the agent's clock).</param>
[GenerateSerializer, Immutable, Alias("plural.cluster.ClusterView")]
public sealed record ClusterView(
    [property: Id(0)] string AgentId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] int NodeCount,
    [property: Id(3)] int NodesReady,
    [property: Id(4)] IReadOnlyList<NamespacePodPhases> PodsByNamespace,
    [property: Id(5)] IReadOnlyList<UnavailableWorkload> WorkloadsNotAvailable,
    [property: Id(6)] double WarningEventsPerMinute,
    [property: Id(7)] TimeSpan WarningWindow,
    [property: Id(8)] DateTimeOffset ComputedAt)
{
    /// <summary>True when both views say the same about the cluster, whenever and in whichever order they were computed.</summary>
    public bool SameStateAs(ClusterView other) =>
        NodeCount == other.NodeCount
        && NodesReady == other.NodesReady
        && WarningEventsPerMinute.Equals(other.WarningEventsPerMinute)
        && WarningWindow == other.WarningWindow
        && PodsByNamespace.SequenceEqual(other.PodsByNamespace)
        && WorkloadsNotAvailable.SequenceEqual(other.WorkloadsNotAvailable);
}
