namespace Plural.Grains.Git;

/// <summary>What a poller keeps across activations: the last seen commit and who depends on it.</summary>
[GenerateSerializer, Alias("plural.git.RepositoryPollerState")]
public sealed class RepositoryPollerState
{
    [Id(0)] public string? Commit { get; set; }
    [Id(1)] public string? RefName { get; set; }
    [Id(2)] public HashSet<string> Watchers { get; set; } = [];
    [Id(3)] public DateTimeOffset? LastCheckedAt { get; set; }
    [Id(4)] public string? LastError { get; set; }
    [Id(5)] public int ConsecutiveFailures { get; set; }
}
