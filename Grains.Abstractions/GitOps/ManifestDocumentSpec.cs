namespace Plural.Grains.GitOps;

/// <summary>One YAML document of a manifest file (no <c>---</c> separators); <see cref="Index"/> counts from 0 in its file.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ManifestDocumentSpec")]
public sealed record ManifestDocumentSpec(
    [property: Id(0)] string Path,
    [property: Id(1)] int Index,
    [property: Id(2)] string Yaml);
