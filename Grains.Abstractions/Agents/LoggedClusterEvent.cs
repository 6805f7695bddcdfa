using Plural.Grains.Cluster;

namespace Plural.Grains.Agents;

/// <summary>A cluster event with its position in the agent's event log.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.LoggedClusterEvent")]
public sealed record LoggedClusterEvent(
    [property: Id(0)] long Position,
    [property: Id(1)] ClusterEvent Event);
