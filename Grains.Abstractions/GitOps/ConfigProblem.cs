namespace Plural.Grains.GitOps;

/// <summary>Why a configuration was rejected: the file, the 1-based line (0 when the file as a whole), and the reason.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ConfigProblem")]
public sealed record ConfigProblem(
    [property: Id(0)] string File,
    [property: Id(1)] int Line,
    [property: Id(2)] string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
