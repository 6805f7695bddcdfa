using System.Text.Json;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Tests;

public sealed class ReportTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(5, Percentiles.Of(sorted, 50));
        Assert.Equal(9, Percentiles.Of(sorted, 90));
        Assert.Equal(10, Percentiles.Of(sorted, 99));
        Assert.Equal(0, Percentiles.Of([], 50));
    }

    [Fact]
    public async Task Result_files_carry_the_command_the_machine_the_tables_and_the_ratios()
    {
        var directory = Path.Combine(Path.GetTempPath(), "plural-bench-tests-" + Guid.NewGuid().ToString("N"));
        var report = new ScenarioReport { Method = "a method" };
        var table = new ResultTable("Latency", "route", "p50");
        table.Add("tunnel", "1.2 ms");
        report.Tables.Add(table);
        report.Ratios["tunnel p50 / direct p50"] = 3.456;
        report.Headlines["gateway memory per agent"] = "72 KiB";
        report.Notes.Add("**Where the time goes.**");
        var run = new RunRecord("small-get", "Small GET", new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero), 61,
            "dotnet run --project tools/bench/Plural.Bench -c Release -- small-get", MachineInfo.Read(Environment.CurrentDirectory),
            "1 1 1", 0.55, "shared box", "DOTNET_TieredPGO=1 DOTNET_gcServer=0", report);
        try
        {
            var markdownPath = await ReportWriter.WriteAsync(directory, run, CancellationToken.None);
            var markdown = await File.ReadAllTextAsync(markdownPath);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(markdownPath, ".json")));

            Assert.Equal(Path.Combine(directory, "2026-01-02-small-get.md"), markdownPath);
            Assert.Contains("dotnet run --project tools/bench/Plural.Bench -c Release -- small-get", markdown);
            Assert.Contains("| tunnel | 1.2 ms |", markdown);
            Assert.Contains("- tunnel p50 / direct p50: **3.46×**", markdown);
            Assert.Contains("- gateway memory per agent: **72 KiB**", markdown);
            Assert.Contains($"| CPU | {run.Machine.Cpu}, {Environment.ProcessorCount} cores |", markdown);
            Assert.Contains("55 % of the machine (shared box", markdown);
            Assert.Contains("(silo, gateway, agent, upstream): `DOTNET_TieredPGO=1 DOTNET_gcServer=0`", markdown);
            Assert.Equal("DOTNET_TieredPGO=1 DOTNET_gcServer=0", json.RootElement.GetProperty("runtime").GetString());
            Assert.Equal(3.456, json.RootElement.GetProperty("ratios").GetProperty("tunnel p50 / direct p50").GetDouble());
            Assert.Equal("tunnel", json.RootElement.GetProperty("tables")[0].GetProperty("rows")[0][0].GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
