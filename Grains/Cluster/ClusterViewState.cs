namespace Plural.Grains.Cluster;

/// <summary>What a cluster view grain persists.</summary>
[GenerateSerializer, Alias("plural.cluster.ClusterViewState")]
public sealed class ClusterViewState
{
    [Id(0)] public ClusterView? View { get; set; }

    /// <summary>When <see cref="View"/> arrived (platform clock).</summary>
    [Id(1)] public DateTimeOffset? ReceivedAt { get; set; }
}
