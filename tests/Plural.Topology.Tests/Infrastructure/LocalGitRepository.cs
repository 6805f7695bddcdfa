namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// A Git repository in a temporary folder with one commit, which silos on this machine poll through its local
/// path (as the dev mode polls its own); deleted on dispose.
/// </summary>
internal sealed class LocalGitRepository : IDisposable
{
    private LocalGitRepository(string path, string head)
    {
        Path = path;
        Head = head;
    }

    public string Path { get; }

    /// <summary>The commit on <c>main</c>.</summary>
    public string Head { get; }

    public static async Task<LocalGitRepository> CreateAsync(IReadOnlyDictionary<string, string> files)
    {
        var path = Directory.CreateTempSubdirectory("plural-topology-git-").FullName;
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(path, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        await GitAsync(path, "init", "--quiet", "-b", "main");
        await GitAsync(path, "add", "-A");
        await GitAsync(path, "-c", "user.name=topology", "-c", "user.email=topology@example.com", "commit", "--quiet", "-m", "configuration");
        return new LocalGitRepository(path, (await GitAsync(path, "rev-parse", "HEAD")).Trim());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder does no harm.
        }
    }

    private static Task<string> GitAsync(string directory, params string[] args) =>
        ExternalTool.RunAsync("git", ["-C", directory, .. args]);
}
