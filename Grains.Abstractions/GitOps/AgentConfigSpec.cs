namespace Plural.Grains.GitOps;

/// <summary>An accepted, validated agent configuration. Equal <see cref="Version"/>s mean equal content.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentConfigSpec")]
public sealed record AgentConfigSpec(
    [property: Id(0)] string Version,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Commit,
    [property: Id(3)] IReadOnlyList<string> CachedKinds,
    [property: Id(4)] int ReapplyIntervalSeconds,
    [property: Id(5)] IReadOnlyList<ManifestProject> Projects);
