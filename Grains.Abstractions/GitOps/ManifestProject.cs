namespace Plural.Grains.GitOps;

/// <summary>One sync target of an agent's configuration: which manifests to apply and how.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ManifestProject")]
public sealed record ManifestProject(
    [property: Id(0)] string Name,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Ref,
    [property: Id(3)] IReadOnlyList<string> Paths,
    [property: Id(4)] string DefaultNamespace,
    [property: Id(5)] bool Prune,
    [property: Id(6)] string ServiceAccount = "");
