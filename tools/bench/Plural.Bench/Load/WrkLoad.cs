using System.Globalization;
using System.Text.Json;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Load;

/// <summary>
/// Load from <c>wrk</c> (Debian package): one thread, <c>concurrency</c> keep-alive HTTP/1.1 connections. A small Lua
/// <c>done</c> hook reports the counts as JSON and writes wrk's latency histogram to a file, from which the made-up
/// samples wrk adds for coordinated omission are taken out again (see <see cref="WrkHistogram"/>): the percentiles
/// and the mean are those of the requests wrk timed.
/// </summary>
public static class WrkLoad
{
    private const string Marker = "BENCH-RESULT ";

    // HISTOGRAM is replaced by the path of the file; #latency is the number of distinct values, latency(i) the i-th and its count.
    private const string Script = """
        done = function(summary, latency, requests)
          local e = summary.errors
          local histogram = io.open("HISTOGRAM", "w")
          for i = 1, #latency do
            local value, count = latency(i)
            histogram:write(string.format("%d %d\n", value, count))
          end
          histogram:close()
          io.write(string.format("BENCH-RESULT {\"requests\":%d,\"duration_us\":%d,\"errors\":%d,\"status\":%d}\n",
            summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, e.status))
        end
        """;

    /// <summary>The wrk program, installing it if needed; null when it cannot be had.</summary>
    public static Task<string?> FindAsync(ScenarioContext context, CancellationToken ct) =>
        SystemPackages.EnsureAsync("wrk", "wrk", context.Log, ct);

    /// <summary>Runs wrk against one target (its URL and headers; wrk speaks HTTP/1.1 only) for <paramref name="duration"/>.</summary>
    public static async Task<LoadResult> RunAsync(ScenarioContext context, string wrk, LoadTarget target,
        int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var script = Path.Combine(context.ScratchDirectory, "report.lua");
        var histogramFile = Path.Combine(context.ScratchDirectory, "wrk-latency.txt");
        if (!File.Exists(script))
        {
            await File.WriteAllTextAsync(script, Script.Replace("HISTOGRAM", histogramFile, StringComparison.Ordinal), ct);
        }

        File.Delete(histogramFile);

        List<string> arguments =
        [
            "-t1", $"-c{concurrency}", $"-d{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--timeout", "10s", "-s", script,
        ];
        foreach (var (name, value) in target.Headers)
        {
            arguments.AddRange(["-H", $"{name}: {value}"]);
        }

        arguments.Add(target.Url.ToString());
        var process = context.Children.Start("wrk", wrk, arguments);
        try
        {
            await process.WaitForOutputAsync(Marker, duration + TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            await process.KillAsync();
        }

        var line = process.Output.Split('\n').Last(l => l.StartsWith(Marker, StringComparison.Ordinal));
        var json = JsonDocument.Parse(line[Marker.Length..]).RootElement;
        var completed = json.GetProperty("requests").GetInt64();
        var runtimeMicros = json.GetProperty("duration_us").GetInt64();
        var corrected = (await File.ReadAllLinesAsync(histogramFile, ct))
            .Select(l => l.Split(' '))
            .Where(f => f.Length == 2)
            .ToDictionary(f => long.Parse(f[0], CultureInfo.InvariantCulture), f => long.Parse(f[1], CultureInfo.InvariantCulture));
        var latency = WrkHistogram.Summarise(
            WrkHistogram.Uncorrect(corrected, WrkHistogram.CorrectionInterval(runtimeMicros, completed, concurrency)));
        return new LoadResult(concurrency,
            completed - json.GetProperty("status").GetInt64(),
            json.GetProperty("errors").GetInt64(),
            runtimeMicros / 1e6,
            latency.P50, latency.P90, latency.P99, latency.P999, latency.Max, latency.Mean, "wrk");
    }
}
