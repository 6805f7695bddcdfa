namespace Plural.Grains.GitOps;

/// <summary>
/// An agent's configuration as the server sees it: where it comes from, the version in force, and why the newest
/// commit was rejected when it was (the accepted version then stays in force).
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentConfigStatus")]
public sealed record AgentConfigStatus(
    [property: Id(0)] string Agent,
    [property: Id(1)] AgentConfigSource? Source,
    [property: Id(2)] AgentConfigSpec? Accepted,
    [property: Id(3)] string? RejectedCommit,
    [property: Id(4)] IReadOnlyList<ConfigProblem> Problems,
    [property: Id(5)] AppliedConfig? Applied,
    [property: Id(6)] string? RepositoryError,
    [property: Id(7)] DateTimeOffset? UpdatedAt);
