namespace Plural.Grains.GitOps;

/// <summary>What an agent's configuration grain keeps. Manifest documents are not kept: they are re-read at the commit.</summary>
[GenerateSerializer, Alias("plural.gitops.AgentConfigState")]
public sealed class AgentConfigState
{
    [Id(0)] public AgentConfigSource? Source { get; set; }
    [Id(1)] public AgentConfigSpec? Accepted { get; set; }
    [Id(2)] public string? EvaluatedCommit { get; set; }
    [Id(3)] public string? RejectedCommit { get; set; }
    [Id(4)] public List<ConfigProblem> Problems { get; set; } = [];
    [Id(5)] public AppliedConfig? Applied { get; set; }
    [Id(6)] public string? RepositoryError { get; set; }
    [Id(7)] public DateTimeOffset? UpdatedAt { get; set; }
    [Id(8)] public long Generation { get; set; }
    [Id(9)] public Dictionary<string, SyncTargetState> Targets { get; set; } = [];
}

/// <summary>One sync target's last read and last report.</summary>
[GenerateSerializer, Alias("plural.gitops.SyncTargetState")]
public sealed class SyncTargetState
{
    [Id(0)] public ManifestProject Project { get; set; } = null!;
    [Id(1)] public string? Commit { get; set; }
    [Id(2)] public int Documents { get; set; }
    [Id(3)] public List<string> ReadErrors { get; set; } = [];
    [Id(4)] public ManifestSyncReportRecord? LastReport { get; set; }
}
