namespace Plural.Grains.GitOps;

/// <summary>GitOps sync status of one agent; published on <see cref="Streams.StreamNames.SyncStatus"/> when it changes.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentSyncStatus")]
public sealed record AgentSyncStatus(
    [property: Id(0)] string Agent,
    [property: Id(1)] IReadOnlyList<TargetSyncStatus> Targets,
    [property: Id(2)] DateTimeOffset UpdatedAt);
