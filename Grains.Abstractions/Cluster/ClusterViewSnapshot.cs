namespace Plural.Grains.Cluster;

/// <summary>
/// An agent's last-known cluster view as the platform serves it: the view, when it arrived, and whether the agent
/// is connected now. An offline agent's view is still served, marked <see cref="Offline"/>, with its age.
/// </summary>
/// <param name="AgentId">The agent.</param>
/// <param name="View">The last view the agent reported, or null when it never reported one.</param>
/// <param name="ReceivedAt">When the platform received <paramref name="View"/> (platform clock).</param>
/// <param name="Age">How old the view was when this snapshot was taken (from <paramref name="ReceivedAt"/>).</param>
/// <param name="Offline">The agent is connected to no gateway now.</param>
/// <param name="StatusSince">Since when the agent has been connected, or disconnected; null if it never connected.</param>
[GenerateSerializer, Immutable, Alias("plural.cluster.ClusterViewSnapshot")]
public sealed record ClusterViewSnapshot(
    [property: Id(0)] string AgentId,
    [property: Id(1)] ClusterView? View,
    [property: Id(2)] DateTimeOffset? ReceivedAt,
    [property: Id(3)] TimeSpan? Age,
    [property: Id(4)] bool Offline,
    [property: Id(5)] DateTimeOffset? StatusSince);
