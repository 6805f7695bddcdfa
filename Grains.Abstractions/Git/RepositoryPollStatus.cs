namespace Plural.Grains.Git;

/// <summary>What a poller knows about its (repository, ref).</summary>
[GenerateSerializer, Immutable, Alias("plural.git.RepositoryPollStatus")]
public sealed record RepositoryPollStatus(
    [property: Id(0)] string Repository,
    [property: Id(1)] string Ref,
    [property: Id(2)] string? Commit,
    [property: Id(3)] DateTimeOffset? LastCheckedAt,
    [property: Id(4)] string? LastError,
    [property: Id(5)] int ConsecutiveFailures,
    [property: Id(6)] DateTimeOffset? NextPollAt,
    [property: Id(7)] int Watchers,
    [property: Id(8)] long RefChecks,
    [property: Id(9)] long Fetches);
