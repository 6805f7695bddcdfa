namespace Plural.Grains.Git;

/// <summary>How the server polls Git (section <c>Git</c>). Agents cannot change any of it.</summary>
public sealed class GitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Git";

    /// <summary>Time between remote-ref checks of one repository ref. Default 1 minute.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Fraction of the interval added or taken at random, so pollers do not fire in step. Default 0.1.</summary>
    public double PollJitter { get; set; } = 0.1;

    /// <summary>Longest wait between checks of a failing repository (the wait doubles per failure). Default 10 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most Git network operations (ref checks, fetches) one silo runs at a time. Default 16.</summary>
    public int MaxConcurrentOperations { get; set; } = 16;

    /// <summary>Where fetched repositories are kept on the silo's disk. Default: <c>plural-git-cache</c> in the temp directory.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>Credentials for HTTP(S) remotes, matched by URL prefix (longest wins). Never logged.</summary>
    public List<GitCredential> Credentials { get; set; } = [];

    /// <summary>Deploy keys and pinned host keys for <c>ssh://</c> remotes, matched by URL prefix (longest wins).</summary>
    public List<GitSshKey> SshKeys { get; set; } = [];

    /// <summary>Longest one Git operation over SSH (a ref check or a fetch) may take. Default 2 minutes.</summary>
    public TimeSpan SshTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The cache directory with its default applied.</summary>
    public string ResolvedCacheDirectory =>
        string.IsNullOrWhiteSpace(CacheDirectory) ? Path.Combine(Path.GetTempPath(), "plural-git-cache") : CacheDirectory;
}
