namespace Plural.Grains.GitOps;

/// <summary>The agent's report on applying one sync target.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ManifestSyncReportRecord")]
public sealed record ManifestSyncReportRecord(
    [property: Id(0)] string Target,
    [property: Id(1)] string Commit,
    [property: Id(2)] DateTimeOffset FinishedAt,
    [property: Id(3)] bool Reapply,
    [property: Id(4)] IReadOnlyList<ObjectSyncOutcome> Objects);
