namespace Plural.Grains.GitOps;

/// <summary>Server-side limits on what is read from Git for agents (section <c>GitOps</c>).</summary>
public sealed class GitOpsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "GitOps";

    /// <summary>Largest manifest file read; larger files are skipped with an error. Default 1 MiB.</summary>
    public long MaxManifestFileBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest total of one sync target's manifest files; above it the target is not synced. Default 8 MiB.</summary>
    public long MaxManifestTotalBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most files one sync target may match; above it the target is not synced. Default 1000.</summary>
    public int MaxManifestFiles { get; set; } = 1000;

    /// <summary>The limits as handed to a repository poller.</summary>
    public Git.RepositoryReadLimits ManifestLimits => new(MaxManifestFileBytes, MaxManifestTotalBytes, MaxManifestFiles);
}
