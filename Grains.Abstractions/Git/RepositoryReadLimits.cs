namespace Plural.Grains.Git;

/// <summary>Bounds on what one read of a repository may return.</summary>
[GenerateSerializer, Immutable, Alias("plural.git.RepositoryReadLimits")]
public sealed record RepositoryReadLimits(
    [property: Id(0)] long MaxFileBytes,
    [property: Id(1)] long MaxTotalBytes,
    [property: Id(2)] int MaxFiles);
