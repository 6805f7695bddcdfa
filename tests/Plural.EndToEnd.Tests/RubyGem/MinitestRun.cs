using System.Diagnostics;
using System.Text.RegularExpressions;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.RubyGem;

/// <summary>
/// The Ruby gem of clients/ruby: its stubs generated from Protocol/ by the gem's own script, then its minitest suite
/// run with Debian's ruby, ruby-grpc and minitest. The outcome is read off minitest's summary line.
/// </summary>
internal sealed partial record MinitestRun(int Runs, int Assertions, int Failures, int Errors, int Skips, string Output)
{
    private static string GemRoot => Path.Combine(RepositoryLayout.Root, "clients", "ruby");

    public static async Task GenerateStubsAsync()
    {
        var (exit, output) = await RunAsync(["script/generate_stubs.rb"], new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"the gem's stubs were not generated ({exit}); install ruby-grpc-tools (test.sh does):\n{output}");
    }

    /// <summary>Every <c>test/**/*_test.rb</c> of the gem; fails when minitest printed no summary.</summary>
    public static Task<MinitestRun> RunSuiteAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout) =>
        RunAsync("Dir['./test/**/*_test.rb'].sort.each { |file| require file }", environment, timeout);

    /// <summary>One file of the gem's <c>test/</c> folder, for tests that need the C# side to act while they run.</summary>
    public static Task<MinitestRun> RunFileAsync(string file, IReadOnlyDictionary<string, string> environment, TimeSpan timeout) =>
        RunAsync($"require './test/{file}'", environment, timeout);

    private static async Task<MinitestRun> RunAsync(string requires, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var (_, output) = await RunAsync(["-Ilib", "-Itest", "-e", requires, "--", "--verbose"], environment, timeout);
        return FromOutput(output);
    }

    /// <summary>Reads minitest's summary line off a run's output (the gem's suite, or <c>bin/rails test</c>).</summary>
    public static MinitestRun FromOutput(string output)
    {
        var summary = Summary().Match(output);
        Assert.True(summary.Success, "minitest printed no summary:\n" + output);
        int Count(string group) => int.Parse(summary.Groups[group].Value);
        return new MinitestRun(Count("runs"), Count("assertions"), Count("failures"), Count("errors"), Count("skips"), output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout)
    {
        var info = new ProcessStartInfo("ruby")
        {
            WorkingDirectory = GemRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"ruby {string.Join(' ', args)} ran longer than {timeout}:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex(@"(?<runs>\d+) runs, (?<assertions>\d+) assertions, (?<failures>\d+) failures, (?<errors>\d+) errors, (?<skips>\d+) skips")]
    private static partial Regex Summary();
}
