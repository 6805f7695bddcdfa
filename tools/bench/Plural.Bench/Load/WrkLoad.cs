using System.Text.Json;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Load;

/// <summary>
/// Load from <c>wrk</c> (Debian package): one thread, <c>concurrency</c> keep-alive HTTP/1.1 connections,
/// latency percentiles from its own histogram, reported through a small Lua <c>done</c> hook as JSON.
/// </summary>
public static class WrkLoad
{
    private const string Marker = "BENCH-RESULT ";

    private const string Script = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("BENCH-RESULT {\"requests\":%d,\"duration_us\":%d,\"errors\":%d,\"status\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}\n",
            summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, e.status,
            latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
        end
        """;

    /// <summary>The wrk program, installing it if needed; null when it cannot be had.</summary>
    public static Task<string?> FindAsync(ScenarioContext context, CancellationToken ct) =>
        SystemPackages.EnsureAsync("wrk", "wrk", context.Log, ct);

    /// <summary>Runs wrk against one URL for <paramref name="duration"/>.</summary>
    public static async Task<LoadResult> RunAsync(ScenarioContext context, string wrk, Uri url, string? authorization,
        int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var script = Path.Combine(context.ScratchDirectory, "report.lua");
        if (!File.Exists(script))
        {
            await File.WriteAllTextAsync(script, Script, ct);
        }

        List<string> arguments =
        [
            "-t1", $"-c{concurrency}", $"-d{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--timeout", "10s", "-s", script,
        ];
        if (authorization is not null)
        {
            arguments.AddRange(["-H", "Authorization: " + authorization]);
        }

        arguments.Add(url.ToString());
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
        var errors = json.GetProperty("errors").GetInt64();
        return new LoadResult(concurrency,
            json.GetProperty("requests").GetInt64() - json.GetProperty("status").GetInt64(),
            errors,
            json.GetProperty("duration_us").GetInt64() / 1e6,
            json.GetProperty("p50").GetDouble(), json.GetProperty("p90").GetDouble(), json.GetProperty("p99").GetDouble(),
            json.GetProperty("max").GetDouble(), "wrk");
    }
}
