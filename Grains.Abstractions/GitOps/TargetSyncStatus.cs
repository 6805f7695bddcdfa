namespace Plural.Grains.GitOps;

/// <summary>
/// One sync target's status: the commit the server sent (<see cref="DesiredCommit"/>), documents the server could not
/// send (<see cref="ReadErrors"/>: file, document and reason), and the agent's last report.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.TargetSyncStatus")]
public sealed record TargetSyncStatus(
    [property: Id(0)] string Target,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Ref,
    [property: Id(3)] string? DesiredCommit,
    [property: Id(4)] int Documents,
    [property: Id(5)] IReadOnlyList<string> ReadErrors,
    [property: Id(6)] ManifestSyncReportRecord? LastReport);
