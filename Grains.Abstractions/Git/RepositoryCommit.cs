namespace Plural.Grains.Git;

/// <summary>A poller saw the ref move; published on <see cref="Streams.StreamNames.RepositoryCommits"/>.</summary>
[GenerateSerializer, Immutable, Alias("plural.git.RepositoryCommit")]
public sealed record RepositoryCommit(
    [property: Id(0)] string Repository,
    [property: Id(1)] string Ref,
    [property: Id(2)] string? OldCommit,
    [property: Id(3)] string NewCommit)
{
    /// <summary>The poller key this commit belongs to.</summary>
    public string Key => RepositoryKey.Format(Repository, Ref);
}
