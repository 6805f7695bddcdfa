using System.Globalization;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.CachedQuery;

/// <summary>Turns cached and direct query latencies into a table and ratios.</summary>
public static class CachedQueryReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(IReadOnlyList<QueryMeasurement> measurements, int count, int warmup)
    {
        var report = new ScenarioReport
        {
            Method =
                $"Each query is asked {count} times one after the other (after {warmup} unmeasured) in two ways. **cached**: " +
                "`ServerApi.QueryCluster` on the gateway's gRPC API with the admin token; the gateway asks the agent over its session and " +
                "the agent answers from its informer cache (objects reduced to the fields it keeps), without calling the API server. " +
                "**direct**: the equivalent `GET` on the API server (a Kubernetes emulator with its sample workloads, plain HTTP on " +
                "loopback, inside the bench process) with full JSON objects, as a client with direct access would list them. " +
                "Silo, gateway and AgentK are separate processes with production defaults, logging at Warning. The emulator counts " +
                "the requests it serves; the table shows how many arrived while the cached queries ran (the agent's watches only).",
        };
        var table = new ResultTable("Query latency", "query", "objects", "cached p50", "cached p99", "direct p50", "direct p99",
            "cached / direct p50", "cached / direct p99", "API-server requests during cached");
        foreach (var m in measurements)
        {
            var (cp50, cp99, dp50, dp99) = (Percentiles.Of(m.CachedMs, 50), Percentiles.Of(m.CachedMs, 99), Percentiles.Of(m.DirectMs, 50), Percentiles.Of(m.DirectMs, 99));
            table.Add(m.Query, Format.Count(m.Objects), Ms(cp50), Ms(cp99), Ms(dp50), Ms(dp99), Format.Ratio(cp50 / dp50), Format.Ratio(cp99 / dp99),
                Format.Count(m.ApiServerRequestsDuringCached));
            report.Ratios[$"cached / direct p50, {m.Query}"] = cp50 / dp50;
            report.Ratios[$"cached / direct p99, {m.Query}"] = cp99 / dp99;
        }

        report.Tables.Add(table);
        report.Data = measurements.Select(m => new
        {
            m.Query,
            m.Objects,
            m.ApiServerRequestsDuringCached,
            CachedP50 = Percentiles.Of(m.CachedMs, 50),
            CachedP99 = Percentiles.Of(m.CachedMs, 99),
            DirectP50 = Percentiles.Of(m.DirectMs, 50),
            DirectP99 = Percentiles.Of(m.DirectMs, 99),
        }).ToList();
        return report;
    }

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
