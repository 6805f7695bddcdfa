using Plural.Bench.Runner;

namespace Plural.Bench.Tests;

public sealed class CommandLineTests
{
    private static readonly IReadOnlyList<IScenario> Catalog = ScenarioCatalog.All;

    [Theory]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("1.5KiB", 1536)]
    [InlineData("500MB", 500_000_000)]
    [InlineData("4096", 4096)]
    public void Sizes_are_read_as_typed(string text, long bytes) =>
        Assert.Equal(bytes, Quantity.ParseSize("size", text));

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("2m", 120_000)]
    public void Durations_are_read_as_typed(string text, double milliseconds) =>
        Assert.Equal(milliseconds, Quantity.ParseDuration("duration", text).TotalMilliseconds);

    [Fact]
    public void Counts_accept_a_k_suffix_and_lists() =>
        Assert.Equal([1, 16, 10_000], Quantity.ParseCounts("concurrency", "1, 16,10k"));

    [Theory]
    [InlineData("size", "12XB")]
    [InlineData("size", "-1MiB")]
    [InlineData("duration", "10")]
    [InlineData("duration", "0s")]
    [InlineData("agents", "ten")]
    [InlineData("agents", "0")]
    public void Bad_values_are_refused_naming_the_option(string option, string text)
    {
        var error = Assert.Throws<BenchUsageException>(() =>
        {
            _ = option switch
            {
                "size" => Quantity.ParseSize(option, text),
                "duration" => Quantity.ParseDuration(option, text).Ticks,
                _ => Quantity.ParseCount(option, text),
            };
        });

        Assert.StartsWith($"--{option}: '{text}'", error.Message);
    }

    [Fact]
    public void A_native_agent_is_taken_from_an_existing_file_for_any_scenario_and_refused_when_missing()
    {
        var executable = Path.GetTempFileName();
        try
        {
            var native = BenchArguments.Parse(["agent-footprint", "--agent", executable], Catalog, "/tmp/results");
            var runtime = BenchArguments.Parse(["agent-footprint"], Catalog, "/tmp/results");
            var missing = Assert.Throws<BenchUsageException>(() => BenchArguments.Parse(["small-get", "--agent", executable + ".absent"], Catalog, "/tmp/results"));

            Assert.Equal(executable, native.AgentExecutable);
            Assert.Null(runtime.AgentExecutable);
            Assert.StartsWith($"--agent {executable}.absent: no such file", missing.Message);
        }
        finally
        {
            File.Delete(executable);
        }
    }

    [Fact]
    public void No_scenario_or_all_selects_the_default_set_in_name_order()
    {
        var none = BenchArguments.Parse([], Catalog, "results");
        var all = BenchArguments.Parse(["all"], Catalog, "results");

        Assert.Equal(["agents", "cached-query", "events", "small-get", "streaming"], none.Scenarios.Select(s => s.Name));
        Assert.Equal(none.Scenarios, all.Scenarios);
    }

    [Fact]
    public void Options_are_read_in_both_spellings_with_runner_options_apart()
    {
        var parsed = BenchArguments.Parse(["streaming", "--size", "64MiB", "--repeat=1", "--results", "/tmp/x", "--note", "shared"], Catalog, "results");

        Assert.Equal("streaming", Assert.Single(parsed.Scenarios).Name);
        Assert.Equal("64MiB", parsed.Options["size"]);
        Assert.Equal("1", parsed.Options["repeat"]);
        Assert.Equal("/tmp/x", parsed.ResultsDirectory);
        Assert.Equal("shared", parsed.Note);
    }

    [Theory]
    [InlineData(new[] { "nope" }, "unknown scenario 'nope'")]
    [InlineData(new[] { "small-get", "--agents", "5" }, "option --agents is not read by scenario small-get")]
    [InlineData(new[] { "agents", "--steps" }, "option --steps needs a value")]
    [InlineData(new[] { "--size", "1GiB", "--size", "2GiB" }, "option --size given twice")]
    public void Unknown_scenarios_and_options_are_refused_before_anything_starts(string[] args, string message)
    {
        var error = Assert.Throws<BenchUsageException>(() => BenchArguments.Parse(args, Catalog, "results"));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Help_lists_every_scenario_with_its_options_and_defaults()
    {
        var usage = BenchArguments.Usage(Catalog);

        foreach (var scenario in Catalog)
        {
            // Scenarios left out of the default set say so in the help.
            Assert.Contains(scenario.Name + (scenario.InDefaultSet ? "" : " (not in 'all')") + ": " + scenario.Title, usage);
            foreach (var option in scenario.Options)
            {
                Assert.Contains($"--{option.Name}", usage);
                Assert.Contains($"(default {option.Default})", usage);
            }
        }
    }
}
