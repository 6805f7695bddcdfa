using System.Diagnostics;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;

namespace Plural.Bench.Runner;

/// <summary>Runs the selected scenarios one after another and writes a result file for each.</summary>
public static class BenchRunner
{
    /// <summary>Runs; returns the process exit code (0 when every scenario succeeded).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        BenchArguments parsed;
        try
        {
            parsed = BenchArguments.Parse(args, ScenarioCatalog.All, Path.Combine(RepositoryLayout.Root, "tools", "bench", "results"));
            if (parsed.Help)
            {
                Console.Write(BenchArguments.Usage(ScenarioCatalog.All));
                return 0;
            }

            // Read every option once up front, so a typo fails now rather than after minutes of running.
            foreach (var scenario in parsed.Scenarios)
            {
                var probe = new ScenarioContext(scenario, parsed.Options, new ChildProcesses(), Path.GetTempPath(), TextWriter.Null, parsed.Runtime);
                foreach (var option in scenario.Options)
                {
                    Validate(probe, option);
                }
            }
        }
        catch (BenchUsageException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            await Console.Error.WriteLineAsync("run with --help for the scenarios and their options");
            return 2;
        }

        var command = "dotnet run --project tools/bench/Plural.Bench -c Release --" + string.Concat(args.Select(a => " " + Quote(a)));
        var failed = 0;
        foreach (var scenario in parsed.Scenarios)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var path = await RunOneAsync(scenario, parsed, command, ct);
                Console.WriteLine($"{scenario.Name}: wrote {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine($"{scenario.Name}: interrupted");
                return 130;
            }
            catch (Exception ex)
            {
                failed++;
                Console.Error.WriteLine($"{scenario.Name}: failed: {ex}");
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task<string> RunOneAsync(IScenario scenario, BenchArguments parsed, string command, CancellationToken ct)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"plural-bench-{Environment.ProcessId}-{scenario.Name}");
        Directory.CreateDirectory(scratch);
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Read(RepositoryLayout.Root);
        var (busyBefore, _) = ProcessStats.MachineCpu();
        var ownBefore = ProcessStats.TreeCpuWithReaped(Environment.ProcessId);
        var stopwatch = Stopwatch.StartNew();
        ScenarioReport report;
        double busyDelta, ownDelta;
        await using (var children = new ChildProcesses())
        {
            var context = new ScenarioContext(scenario, parsed.Options, children, scratch, Console.Out, parsed.Runtime, parsed.AgentExecutable);
            context.Log($"starting: {scenario.Title}");
            try
            {
                report = await scenario.RunAsync(context, ct);
                busyDelta = ProcessStats.MachineCpu().Busy - busyBefore;
                ownDelta = ProcessStats.TreeCpuWithReaped(Environment.ProcessId) - ownBefore;
            }
            finally
            {
                TryDelete(scratch);
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var otherShare = Math.Clamp((busyDelta - ownDelta) / (seconds * Environment.ProcessorCount), 0, 1);
        var run = new RunRecord(scenario.Name, scenario.Title, started, seconds, command, machine,
            MachineInfo.LoadAverage(), otherShare, parsed.Note, parsed.Runtime.Describe(), report);
        return await ReportWriter.WriteAsync(parsed.ResultsDirectory, run, ct);
    }

    private static void Validate(ScenarioContext probe, ScenarioOption option)
    {
        _ = option.Kind switch
        {
            OptionKind.Size => probe.Size(option.Name),
            OptionKind.Duration => probe.Duration(option.Name).Ticks,
            OptionKind.Count => probe.Count(option.Name),
            OptionKind.CountOrZero => probe.CountOrZero(option.Name),
            OptionKind.Counts => probe.Counts(option.Name).Count,
            _ => probe.Text(option.Name).Length,
        };
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_.,=/:".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file there; the OS cleans temp folders.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
