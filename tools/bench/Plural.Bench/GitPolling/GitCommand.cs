using System.Diagnostics;

namespace Plural.Bench.GitPolling;

/// <summary>Runs the <c>git</c> command line in a folder, as a platform team's scripts would.</summary>
public static class GitCommand
{
    /// <summary>Runs <c>git <paramref name="args"/></c> in <paramref name="directory"/>; returns its output, throws with its error.</summary>
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

    /// <summary>Commits what is staged in <paramref name="directory"/> as the bench's author.</summary>
    public static void Commit(string directory, string message) =>
        Run(directory, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "--allow-empty", "-m", message);
}
