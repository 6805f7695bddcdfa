using System.Diagnostics;

namespace Plural.Testing.Git;

/// <summary>Runs the <c>git</c> command line in a folder, as a platform team's scripts would.</summary>
public static class GitCommand
{
    /// <summary>
    /// Runs <c>git <paramref name="args"/></c> in <paramref name="directory"/>; returns its standard output (never its
    /// warnings, so a commit id read back stays clean), throws with its error.
    /// </summary>
    public static string Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }

        return output.Result;
    }

    /// <summary>Commits what is staged in <paramref name="directory"/> (an empty commit too) and returns the new commit.</summary>
    public static string Commit(string directory, string message)
    {
        Run(directory, "-c", "user.name=tests", "-c", "user.email=tests@example.com", "commit", "--quiet", "--allow-empty", "-m", message);
        return Run(directory, "rev-parse", "HEAD").Trim();
    }

    /// <summary>Writes <paramref name="files"/> into a working tree (a null content deletes the file) and stages everything.</summary>
    public static void Stage(string directory, IEnumerable<KeyValuePair<string, string?>> files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(directory, path);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Run(directory, "add", "-A");
    }
}
