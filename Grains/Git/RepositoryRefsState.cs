namespace Plural.Grains.Git;

/// <summary>The refs polled for one repository URL.</summary>
[GenerateSerializer, Alias("plural.git.RepositoryRefsState")]
public sealed class RepositoryRefsState
{
    [Id(0)] public SortedSet<string> Refs { get; set; } = new(StringComparer.Ordinal);
}
