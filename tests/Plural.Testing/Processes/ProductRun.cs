using System.Diagnostics;

namespace Plural.Testing.Processes;

/// <summary>Runs a product program (or <c>dotnet run</c> of its project) to its end, keeping standard output and error apart.</summary>
public static class ProductRun
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Runs the built program of a product folder (<c>Silo</c>, <c>Gateway</c>, <c>AgentK</c>) with <paramref name="args"/>.</summary>
    public static Task<ProductRunResult> RunAsync(string folder, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null) =>
        RunDotnetAsync([RepositoryLayout.ProgramPath(folder), .. args], workingDirectory, timeout);

    /// <summary>
    /// <c>dotnet run --no-build</c> of a product folder's project from <paramref name="workingDirectory"/>, as the docs
    /// tell a user to run it from a checkout.
    /// </summary>
    public static Task<ProductRunResult> DotnetRunAsync(string folder, IEnumerable<string> args, string workingDirectory, TimeSpan? timeout = null) =>
        RunDotnetAsync(["run", "--no-build", "-c", RepositoryLayout.Configuration, "--project", Path.Combine(RepositoryLayout.Root, folder), "--", .. args],
            workingDirectory, timeout);

    /// <summary>What a product program prints for <c>--version</c>.</summary>
    public static async Task<string> VersionAsync(string folder)
    {
        var result = await RunAsync(folder, ["--version"]);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : throw new InvalidOperationException($"{folder} --version failed: {result}");
    }

    /// <summary>
    /// The <c>plural</c> command as an operator runs it, with <paramref name="environment"/> on top of a production
    /// environment (its profile location, say).
    /// </summary>
    public static Task<ProductRunResult> PluralAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null) =>
        RunDotnetAsync([RepositoryLayout.ProgramPath("Cli"), .. args], null, timeout, environment);

    private static async Task<ProductRunResult> RunDotnetAsync(IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? RepositoryLayout.Root,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return await ProcessToEnd.RunAsync(info, timeout ?? DefaultTimeout);
    }
}
