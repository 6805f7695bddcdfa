using System.Diagnostics;

namespace Plural.Testing.Processes;

/// <summary>Runs command-line tools (git, the database servers' own tools) to completion, dropping root where a tool refuses it.</summary>
public static class ExternalTool
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Finds a program on PATH or in the given extra directories; null when it is not installed.</summary>
    public static string? Find(string program, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a tool to completion and returns its output; throws with the output when it fails.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> args, string? asUser = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(asUser is null ? program : "runuser");
        if (asUser is not null)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(asUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var result = await ProcessToEnd.RunAsync(info, timeout ?? TimeSpan.FromMinutes(1));
        var output = result.StandardOutput + result.StandardError;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {result.ExitCode}:\n{output}");
        }

        return output;
    }
}
