namespace Plural.Grains.GitOps;

/// <summary>What one configuration file says, before files are merged; null means "not set in this file".</summary>
internal sealed class ConfigFileModel
{
    public List<(string Path, int Line)> Includes { get; } = [];
    public List<string>? CachedKinds { get; set; }
    public int? ReapplyIntervalSeconds { get; set; }
    public List<ProjectModel> Projects { get; } = [];
}

/// <summary>One <c>gitops.projects</c> entry as written.</summary>
internal sealed record ProjectModel(string Name, string? Repository, string? Ref, List<string> Paths, string? Namespace, bool? Prune, string? ServiceAccount);
