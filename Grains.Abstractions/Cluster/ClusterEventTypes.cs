namespace Plural.Grains.Cluster;

/// <summary>The values of <see cref="ClusterEvent.Type"/>, spelled as Kubernetes watch events spell them.</summary>
public static class ClusterEventTypes
{
    /// <summary>The object appeared.</summary>
    public const string Added = "ADDED";

    /// <summary>The object changed.</summary>
    public const string Modified = "MODIFIED";

    /// <summary>The object was deleted.</summary>
    public const string Deleted = "DELETED";
}
