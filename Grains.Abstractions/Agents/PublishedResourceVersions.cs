namespace Plural.Grains.Agents;

/// <summary>
/// How far an agent's event log got, in the cluster's own terms: per kind, the highest resourceVersion among the
/// events the log took in, and when the log started. A replica that becomes its agent's
/// leader publishes only changes above these versions (or, for a kind the log saw nothing of, changes it observed
/// after <see cref="Since"/>), so that what the previous leader published is not published again.
/// </summary>
/// <param name="ByKind">Kind (as in <c>ClusterEvent.Kind</c>) to the highest decimal resourceVersion logged of it.</param>
/// <param name="Since">When the log started keeping this agent's events; it knows nothing published before.</param>
[GenerateSerializer, Immutable, Alias("plural.agents.PublishedResourceVersions")]
public sealed record PublishedResourceVersions(
    [property: Id(0)] IReadOnlyDictionary<string, string> ByKind,
    [property: Id(1)] DateTimeOffset Since);
