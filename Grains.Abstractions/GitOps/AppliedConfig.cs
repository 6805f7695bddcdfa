namespace Plural.Grains.GitOps;

/// <summary>What the agent reported after applying a configuration.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AppliedConfig")]
public sealed record AppliedConfig(
    [property: Id(0)] string Version,
    [property: Id(1)] IReadOnlyList<string> CachedKinds,
    [property: Id(2)] IReadOnlyList<string> RejectedKinds,
    [property: Id(3)] DateTimeOffset ReportedAt);
