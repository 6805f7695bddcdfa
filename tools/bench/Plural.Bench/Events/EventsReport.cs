using System.Globalization;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Events;

/// <summary>Turns the event and watch latencies into a table and ratios.</summary>
public static class EventsReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(IReadOnlyList<LatencyRun> runs, int changes, TimeSpan pause)
    {
        var report = new ScenarioReport
        {
            Method =
                $"{changes} namespaces are created one after the other in a Kubernetes emulator (its sample workloads, plain HTTP on loopback, " +
                "inside the bench process); the next one only after every observer saw the previous one and a pause of " +
                $"{pause.TotalMilliseconds:0} ms, so each figure is one change's trip, not a queue. Latency is from just before the `POST` " +
                "to the arrival of the `ADDED` message at each observer, on the bench's monotonic clock, over every (observer, change) pair. " +
                "**/cable**: WebSocket clients (one connection each, in the bench process) subscribed to the agent's `ClusterEventsChannel` " +
                "on the gateway; the change travels emulator watch → AgentK informer → event batch on the session (AgentK's default " +
                "`Agent:Events:BatchInterval` of 50 ms: a change after a quiet period leaves at once, a burst waits at most that long) → gateway → Orleans stream " +
                "→ the agent's event log grain on the silo, which numbers it → the gateway's one long poll on that log → every WebSocket. **watch**: a kubectl-style `GET /api/v1/namespaces?watch=1`, " +
                "directly on the emulator and through the gateway's `/k8s-proxy/{agent}` route and the agent's tunnel, both open at once and " +
                "seeing the same changes. Silo, gateway and AgentK are separate processes with production defaults, logging at Warning.",
        };
        var table = new ResultTable("Change to arrival", "observed by", "observers", "messages", "p50", "p90", "p99", "max", "missing", "lost connections");
        foreach (var run in runs)
        {
            var l = run.LatenciesMs;
            table.Add(run.Route, Format.Count(run.Observers), Format.Count(l.Count), Ms(Percentiles.Of(l, 50)), Ms(Percentiles.Of(l, 90)),
                Ms(Percentiles.Of(l, 99)), Ms(l.Count == 0 ? 0 : l[^1]), Format.Count(run.Missing), Format.Count(run.LostConnections));
        }

        report.Tables.Add(table);
        var cable = runs.Where(r => r.Route.StartsWith("/cable", StringComparison.Ordinal)).ToList();
        foreach (var run in cable)
        {
            report.Headlines[$"/cable p50 / p99 with {run.Observers} subscribers"] =
                $"{Ms(Percentiles.Of(run.LatenciesMs, 50))} / {Ms(Percentiles.Of(run.LatenciesMs, 99))}";
        }

        if (cable.Count > 1)
        {
            var (fewest, most) = (cable.MinBy(r => r.Observers)!, cable.MaxBy(r => r.Observers)!);
            report.Ratios[$"/cable p50 with {most.Observers} / with {fewest.Observers} subscribers"] =
                Percentiles.Of(most.LatenciesMs, 50) / Percentiles.Of(fewest.LatenciesMs, 50);
            report.Ratios[$"/cable p99 with {most.Observers} / with {fewest.Observers} subscribers"] =
                Percentiles.Of(most.LatenciesMs, 99) / Percentiles.Of(fewest.LatenciesMs, 99);
        }

        var direct = runs.FirstOrDefault(r => r.Route.StartsWith("watch, directly", StringComparison.Ordinal));
        var tunnel = runs.FirstOrDefault(r => r.Route.StartsWith("watch through", StringComparison.Ordinal));
        if (direct is not null && tunnel is not null)
        {
            report.Ratios["watch through the tunnel p50 / direct p50"] = Percentiles.Of(tunnel.LatenciesMs, 50) / Percentiles.Of(direct.LatenciesMs, 50);
            report.Ratios["watch through the tunnel p99 / direct p99"] = Percentiles.Of(tunnel.LatenciesMs, 99) / Percentiles.Of(direct.LatenciesMs, 99);
            report.Headlines["watch through the tunnel minus direct, p50"] =
                Ms(Percentiles.Of(tunnel.LatenciesMs, 50) - Percentiles.Of(direct.LatenciesMs, 50));
        }

        report.Data = runs.Select(r => new
        {
            r.Route,
            r.Observers,
            r.Changes,
            r.Missing,
            r.LostConnections,
            P50 = Percentiles.Of(r.LatenciesMs, 50),
            P90 = Percentiles.Of(r.LatenciesMs, 90),
            P99 = Percentiles.Of(r.LatenciesMs, 99),
            Max = r.LatenciesMs.Count == 0 ? 0 : r.LatenciesMs[^1],
        }).ToList();
        return report;
    }

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";
}
