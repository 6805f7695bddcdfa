namespace Plural.Grains.Cluster;

/// <summary>
/// The last-known cluster view of one agent, keyed by agent name. Persisted, so the view outlives the agent's
/// connection, the grain's activation and silo restarts (with durable storage).
/// </summary>
[Alias("plural.cluster.IClusterViewGrain")]
public interface IClusterViewGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a view the agent reported. True when subscribers should hear of it: its content differs from the
    /// previous view, or the previous one is older than a minute (the agent was away and is back).
    /// </summary>
    [Alias("Report")]
    Task<bool> Report(ClusterView view);

    /// <summary>The last-known view with its age and the agent's connection status.</summary>
    [Alias("Get")]
    Task<ClusterViewSnapshot> Get();
}
