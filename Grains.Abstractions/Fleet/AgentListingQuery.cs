namespace Plural.Grains.Fleet;

/// <summary>Which listings a directory shard returns: those after a name, matching a selector, up to a count.</summary>
/// <param name="After">Only names ordinally greater than this one; null from the start.</param>
/// <param name="Limit">At most this many listings.</param>
/// <param name="LabelSelector">A Kubernetes label selector on the registration labels, already validated; empty for all.</param>
/// <param name="ConnectedOnly">Only agents that are connected now.</param>
[GenerateSerializer, Immutable, Alias("plural.fleet.AgentListingQuery")]
public sealed record AgentListingQuery(
    [property: Id(0)] string? After,
    [property: Id(1)] int Limit,
    [property: Id(2)] string LabelSelector = "",
    [property: Id(3)] bool ConnectedOnly = false);
