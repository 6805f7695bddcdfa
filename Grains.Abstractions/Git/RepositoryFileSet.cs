namespace Plural.Grains.Git;

/// <summary>
/// The files of one read, in path order, and what kept others out (a file over the size limit, or the whole
/// read when the count or total limit was exceeded, in which case <see cref="Files"/> is empty).
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.git.RepositoryFileSet")]
public sealed record RepositoryFileSet(
    [property: Id(0)] string Commit,
    [property: Id(1)] IReadOnlyList<RepositoryFile> Files,
    [property: Id(2)] IReadOnlyList<string> Errors);
