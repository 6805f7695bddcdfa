namespace Plural.Grains.Git;

/// <summary>A text file of a repository at a commit.</summary>
[GenerateSerializer, Immutable, Alias("plural.git.RepositoryFile")]
public sealed record RepositoryFile(
    [property: Id(0)] string Path,
    [property: Id(1)] string Content);
