using System.Diagnostics;

namespace Plural.Grains.Tests.Git;

/// <summary>Bare repositories under a temporary folder, changed through working clones with the real <c>git</c>.</summary>
public sealed class GitRemote : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("plural-git-remote-").FullName;

    private string Work => Path.Combine(Root, ".work");

    /// <summary>Creates <c>{name}.git</c> with one commit holding <paramref name="files"/>; returns that commit.</summary>
    public string Create(string name, IReadOnlyDictionary<string, string> files)
    {
        Run(Root, "init", "--quiet", "--bare", "-b", "main", $"{name}.git");
        var work = Path.Combine(Work, name);
        Directory.CreateDirectory(work);
        Run(work, "init", "--quiet", "-b", "main");
        Run(work, "remote", "add", "origin", Path.Combine(Root, $"{name}.git"));
        return Commit(name, files);
    }

    /// <summary>A second name for an existing repository (a symlink), to have many URLs without many copies.</summary>
    public void Alias(string name, string alias) =>
        File.CreateSymbolicLink(Path.Combine(Root, $"{alias}.git"), Path.Combine(Root, $"{name}.git"));

    /// <summary>Writes (or, with a null content, deletes) files, commits and pushes; returns the new commit.</summary>
    public string Change(string name, IReadOnlyDictionary<string, string?> files)
    {
        var work = Path.Combine(Work, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(work, path);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Run(work, "add", "-A");
        Run(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "--allow-empty", "-m", "change");
        Run(work, "push", "--quiet", "origin", "main");
        return Run(work, "rev-parse", "HEAD").Trim();
    }

    /// <summary>Writes files, commits and pushes; returns the new commit.</summary>
    public string Commit(string name, IReadOnlyDictionary<string, string> files) =>
        Change(name, files.ToDictionary(f => f.Key, f => (string?)f.Value));

    private static string Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }

        return output.Result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
