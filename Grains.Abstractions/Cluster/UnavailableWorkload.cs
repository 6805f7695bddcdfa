namespace Plural.Grains.Cluster;

/// <summary>A workload with fewer available replicas than it wants.</summary>
/// <param name="Kind"><c>Deployment</c>, <c>StatefulSet</c> or <c>DaemonSet</c>.</param>
/// <param name="Namespace">The workload's namespace.</param>
/// <param name="Name">The workload's name.</param>
/// <param name="Desired">Replicas wanted (for a daemon set: nodes it should run on).</param>
/// <param name="Available">Replicas available.</param>
[GenerateSerializer, Immutable, Alias("plural.cluster.UnavailableWorkload")]
public sealed record UnavailableWorkload(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string Name,
    [property: Id(3)] int Desired,
    [property: Id(4)] int Available);
