namespace Plural.Grains.Cluster;

/// <summary>
/// One change of one object in an agent's cluster, as the agent's informer saw it. Published one per stream
/// message on <see cref="Streams.StreamNames.ClusterEvents"/> keyed by the agent id.
/// </summary>
/// <param name="AgentId">The agent that observed the change (also the stream key).</param>
/// <param name="Sequence">
/// Per agent process, strictly increasing from 1 without gaps; a subscriber that sees a gap lost events,
/// a subscriber that sees a smaller number than before is looking at a restarted agent.
/// </param>
/// <param name="Type">What happened: one of <see cref="ClusterEventTypes"/>.</param>
/// <param name="Kind">The Kubernetes kind, e.g. <c>Pod</c>, <c>Deployment</c>.</param>
/// <param name="Namespace">The object's namespace; empty for cluster-scoped kinds.</param>
/// <param name="Name">The object's name.</param>
/// <param name="ResourceVersion">The object's resourceVersion after the change.</param>
/// <param name="Summary">A short human-readable state, e.g. <c>Running</c> or <c>2/3 ready</c>.</param>
/// <param name="Timestamp">When the agent observed the change.</param>
[GenerateSerializer, Immutable, Alias("plural.cluster.ClusterEvent")]
public sealed record ClusterEvent(
    [property: Id(0)] string AgentId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Type,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Namespace,
    [property: Id(5)] string Name,
    [property: Id(6)] string ResourceVersion,
    [property: Id(7)] string Summary,
    [property: Id(8)] DateTimeOffset Timestamp);
