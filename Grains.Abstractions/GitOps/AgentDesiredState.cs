namespace Plural.Grains.GitOps;

/// <summary>What an agent should have right after it connects: the accepted configuration and every target's sync.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentDesiredState")]
public sealed record AgentDesiredState(
    [property: Id(0)] long Generation,
    [property: Id(1)] AgentConfigSpec? Config,
    [property: Id(2)] IReadOnlyList<ManifestSyncSpec> Syncs);
