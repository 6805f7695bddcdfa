namespace Plural.Grains.GitOps;

/// <summary>The full desired state of one sync target at a commit, as sent to the agent.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ManifestSyncSpec")]
public sealed record ManifestSyncSpec(
    [property: Id(0)] string Target,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Commit,
    [property: Id(3)] string DefaultNamespace,
    [property: Id(4)] bool Prune,
    [property: Id(5)] IReadOnlyList<ManifestDocumentSpec> Documents,
    [property: Id(6)] bool Removed,
    [property: Id(7)] string ServiceAccount = "");
