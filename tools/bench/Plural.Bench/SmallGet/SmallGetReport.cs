using System.Globalization;
using Plural.Bench.Baselines;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>Turns the small-GET measurements into tables, ratios against the baselines, checks and notes.</summary>
public static class SmallGetReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(SmallGetRun run, IReadOnlyList<string> skipped)
    {
        var points = PointSummary.Of(run.Measurements);
        var report = new ScenarioReport { Method = Method(run) };
        report.Tables.Add(LatencyTable(points, run.Repeats));
        report.Tables.Add(LittlesLawReport.Table(points));
        report.Tables.Add(CpuTables.PerRequest(points));
        report.Tables.Add(CpuTables.ShareOfMachine(points));
        report.Tables.Add(CpuTables.Idle(run.Idle));
        if (run.FixedRate.Count > 0)
        {
            report.Tables.Add(FixedRateTable.Build(run.FixedRate, run.Repeats));
        }

        report.Headlines["security profile"] = SecurityProfiles.Describe(run.Profile);
        AddRatios(report, points, run.Levels);
        FixedRateTable.AddHeadlines(report, run.FixedRate);
        if (LittlesLawReport.Warning(points) is { } warning)
        {
            report.Notes.Add(warning);
        }

        if (CpuTables.BusyMachineWarning(points) is { } busy)
        {
            report.Notes.Add(busy);
        }

        if (WhereTimeGoes.Explain(points.Select(p => p.MedianRun).ToList()) is { } analysis)
        {
            report.Notes.Add(analysis);
        }

        foreach (var reason in skipped)
        {
            report.Notes.Add($"Skipped: {reason}.");
        }

        report.Data = new { profile = run.Profile.ToString().ToLowerInvariant(), run.Repeats, measurements = run.Measurements, fixedRate = run.FixedRate, idle = run.Idle };
        return report;
    }

    private static string Method(SmallGetRun run) =>
        $"`GET /small` (a {UpstreamServer.SmallBody.Length}-byte JSON body, like a Kubernetes `/version`) against one upstream " +
        $"process. Closed loop with {run.Client} ({(run.Client == "wrk" ? "HTTP/1.1" : "HTTP/1.1, HTTP/2 on https routes")}, one connection " +
        $"per request in flight), {run.Warmup.TotalSeconds:0.#} s warm-up then {run.Duration.TotalSeconds:0.#} s measured per route and concurrency; " +
        (run.Rates.Count == 0 ? "" : $"open loop at {string.Join(", ", run.Rates.Select(r => r.ToString("#,0", CultureInfo.InvariantCulture)))} requests/s offered " +
            "(the bench's own client sends on a fixed schedule whatever the answers do and times each request from when it was due), as long; ") +
        $"every point {run.Repeats} time(s), the routes interleaved (each route once before any again), figures the median of the repeats " +
        "with the spread (min–max) where it matters. " +
        "Routes: **direct** (client to upstream), **tunnel** (client to the gateway's `/agents/{agent}/proxy/` " +
        "route with the admin token, over the agent's gRPC tunnel to a real AgentK process, which calls the upstream; silo and gateway are " +
        "separate processes with production defaults), **k8s-proxy** (the same agent through `/k8s-proxy/{agent}/` with a user token and " +
        $"kubectl's `Accept` and `User-Agent`: token check, audit, impersonation; {(run.Profile == SecurityProfile.Tls ? "HTTP/2 over TLS from the bench's own client" : "HTTP/1.1")}), **ssh -R** (OpenSSH sshd on loopback, " +
        "an `ssh -R` client as the agent), **nghttpx x2** (two nghttpx proxies with an HTTP/2 link between them, shaped like the tunnel's two hops). " +
        "Everything, load client included, shares the same cores, so ratios matter more than absolute figures. " +
        "CPU per request is user+system time over the measured window divided by the requests completed, for each process of the route, " +
        "for the load client (the bench process with wrk, which it runs and reaps) and for the whole machine (`/proc/stat`); \"others\" is " +
        "the machine's minus the route's and the client's: what else ran meanwhile. It includes what a process does anyway (timers, lease " +
        "renewals, GC), which the idle table shows (3 s with no load, before each route's warm-up).";

    private static ResultTable LatencyTable(IReadOnlyList<PointSummary> points, int repeats)
    {
        var direct = points.Where(p => p.Route == "direct").ToDictionary(p => p.Concurrency);
        var table = new ResultTable($"Latency and throughput (closed loop, median of {repeats})",
            "route", "concurrency", "req/s", "req/s min–max", "p50", "p50 min–max", "p90", "p99", "p99.9", "mean", "errors",
            "p50 vs direct", "req/s vs direct");
        foreach (var p in points)
        {
            var rps = p.Median(s => s.Load.RequestsPerSecond);
            var p50 = p.Median(s => s.Load.P50);
            var (rpsMin, rpsMax) = p.Spread(s => s.Load.RequestsPerSecond);
            var (p50Min, p50Max) = p.Spread(s => s.Load.P50);
            var baseline = direct.GetValueOrDefault(p.Concurrency);
            table.Add(p.Route, p.Concurrency.ToString(CultureInfo.InvariantCulture), Format.Count(rps),
                $"{Format.Count(rpsMin)}–{Format.Count(rpsMax)}", Format.Micros(p50), $"{Format.Micros(p50Min)}–{Format.Micros(p50Max)}",
                Format.Micros(p.Median(s => s.Load.P90)), Format.Micros(p.Median(s => s.Load.P99)), Format.Micros(p.Median(s => s.Load.P999)),
                Format.Micros(p.Median(s => s.Load.Mean)), Format.Count(p.Samples.Sum(s => s.Load.Errors)),
                baseline is null ? "" : Format.Ratio(p50 / baseline.Median(s => s.Load.P50)),
                baseline is null ? "" : Format.Ratio(rps / baseline.Median(s => s.Load.RequestsPerSecond)));
        }

        return table;
    }

    private static void AddRatios(ScenarioReport report, IReadOnlyList<PointSummary> points, IReadOnlyList<int> levels)
    {
        foreach (var level in levels)
        {
            var tunnel = points.FirstOrDefault(p => p.Route == "tunnel" && p.Concurrency == level);
            if (tunnel is null)
            {
                continue;
            }

            foreach (var other in points.Where(p => p.Route != "tunnel" && p.Concurrency == level))
            {
                report.Ratios[$"tunnel p50 / {other.Route} p50 at concurrency {level}"] = tunnel.Median(s => s.Load.P50) / other.Median(s => s.Load.P50);
                report.Ratios[$"tunnel req/s / {other.Route} req/s at concurrency {level}"] =
                    tunnel.Median(s => s.Load.RequestsPerSecond) / other.Median(s => s.Load.RequestsPerSecond);
            }

            if (points.FirstOrDefault(p => p.Route == "k8s-proxy" && p.Concurrency == level) is { } kubernetes)
            {
                report.Ratios[$"k8s-proxy / tunnel gateway+agent CPU per request at concurrency {level}"] =
                    kubernetes.MicrosPerRequest(CpuTables.GatewayAndAgent) / tunnel.MicrosPerRequest(CpuTables.GatewayAndAgent);
            }
        }
    }
}
