namespace Plural.Grains.Cluster;

/// <summary>How many pods of one namespace are in each phase.</summary>
[GenerateSerializer, Immutable, Alias("plural.cluster.NamespacePodPhases")]
public sealed record NamespacePodPhases(
    [property: Id(0)] string Namespace,
    [property: Id(1)] int Pending,
    [property: Id(2)] int Running,
    [property: Id(3)] int Succeeded,
    [property: Id(4)] int Failed,
    [property: Id(5)] int Unknown)
{
    /// <summary>All pods of the namespace.</summary>
    public int Total => Pending + Running + Succeeded + Failed + Unknown;
}
