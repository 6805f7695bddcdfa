using System.Diagnostics;

namespace Plural.Cable.Tests.Infrastructure;

/// <summary>
/// A Git repository in a temporary folder that the silo on this machine polls through its <c>file://</c> URL;
/// tests commit to it directly. Deleted on dispose.
/// </summary>
internal sealed class LocalGitRepository : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("plural-cable-git-").FullName;

    private LocalGitRepository()
    {
    }

    public string Url => new Uri(_path).AbsoluteUri;

    public static LocalGitRepository Create(IReadOnlyDictionary<string, string> files)
    {
        var repository = new LocalGitRepository();
        repository.Git("init", "--quiet", "-b", "main");
        repository.Commit(files);
        return repository;
    }

    /// <summary>Writes <paramref name="files"/>, removes <paramref name="remove"/> and commits on <c>main</c>; returns the commit.</summary>
    public string Commit(IReadOnlyDictionary<string, string> files, params string[] remove)
    {
        foreach (var file in remove)
        {
            File.Delete(Path.Combine(_path, file));
        }

        foreach (var (file, content) in files)
        {
            var full = Path.Combine(_path, file);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Git("add", "-A");
        Git("-c", "user.name=cable", "-c", "user.email=cable@example.com", "commit", "--quiet", "-m", "change");
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("git", ["-C", _path, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder does no harm.
        }
    }
}
