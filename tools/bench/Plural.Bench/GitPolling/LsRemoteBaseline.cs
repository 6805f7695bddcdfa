using System.Diagnostics;
using Plural.Bench.Processes;

namespace Plural.Bench.GitPolling;

/// <summary>What the usual alternative costs: a loop (a cron job) running <c>git ls-remote</c> once per repository, one at a time.</summary>
public static class LsRemoteBaseline
{
    private const int Warmup = 20;

    /// <summary>Runs <paramref name="checks"/> invocations over <paramref name="urls"/> in turn and measures them.</summary>
    public static async Task<CheckCost> RunAsync(GitServer server, IReadOnlyList<string> urls, string expectedCommit, int checks, CancellationToken ct)
    {
        // A few unmeasured checks first, so that the server's own start-up (JIT) is not counted.
        for (var i = 0; i < Math.Min(Warmup, checks); i++)
        {
            await LsRemoteAsync(urls[i % urls.Count], ct);
        }

        var wall = new List<double>(checks);
        var requestsBefore = await server.CountsAsync(ct);
        var (hostBefore, backendsBefore) = server.Cpu();
        // The bench reaps each git it starts; nothing else it starts ends during the loop, so its reaped-children CPU is theirs.
        var clientBefore = ProcessStats.OwnAndReapedCpu(Environment.ProcessId).Reaped;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < checks; i++)
        {
            var one = Stopwatch.GetTimestamp();
            var output = await LsRemoteAsync(urls[i % urls.Count], ct);
            wall.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
            if (!output.StartsWith(expectedCommit, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"git ls-remote {urls[i % urls.Count]} printed '{output.Trim()}', expected {expectedCommit}");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var client = ProcessStats.OwnAndReapedCpu(Environment.ProcessId).Reaped - clientBefore;
        var (hostAfter, backendsAfter) = server.Cpu();
        var requests = await server.CountsAsync(ct) - requestsBefore;
        wall.Sort();
        return new CheckCost(checks, elapsed, requests, client, backendsAfter - backendsBefore, hostAfter - hostBefore, wall.Average(), wall[wall.Count / 2]);
    }

    private static async Task<string> LsRemoteAsync(string url, CancellationToken ct)
    {
        var start = new ProcessStartInfo("git", ["ls-remote", url, "refs/heads/main"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git ls-remote {url} failed: {await error}");
        }

        return await output;
    }
}

/// <summary>
/// The cost of a number of remote-ref checks: requests the Git server got, CPU seconds of the checking side (the silo, or
/// the ls-remote processes), of the http-backend programs and of the CGI host, and wall time per check.
/// </summary>
public sealed record CheckCost(
    long Checks, TimeSpan Elapsed, GitRequests Requests, double ClientCpuSeconds, double BackendCpuSeconds, double HostCpuSeconds,
    double MeanCheckMs, double MedianCheckMs)
{
    /// <summary>Checking-side CPU per check, ms.</summary>
    public double ClientMsPerCheck => ClientCpuSeconds * 1000 / Checks;

    /// <summary>http-backend CPU per check, ms.</summary>
    public double BackendMsPerCheck => BackendCpuSeconds * 1000 / Checks;

    /// <summary>CGI host CPU per check, ms.</summary>
    public double HostMsPerCheck => HostCpuSeconds * 1000 / Checks;
}
