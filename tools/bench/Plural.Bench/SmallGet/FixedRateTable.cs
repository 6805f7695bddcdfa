using System.Globalization;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>The open-loop table: latency from each request's intended start at fixed offered rates, medians over the repeats.</summary>
public static class FixedRateTable
{
    /// <summary>One row per route and offered rate.</summary>
    public static ResultTable Build(IReadOnlyList<FixedRateMeasurement> measurements, int repeats)
    {
        var table = new ResultTable($"Fixed-rate latency (open loop, from each request's intended start; median of {repeats})",
            "route", "offered req/s", "answered req/s", "p50", "p90", "p99", "p99 min–max", "p99.9", "max", "errors", "client send lag p99",
            "route CPU µs/request");
        foreach (var point in Points(measurements))
        {
            double Median(Func<FixedRateMeasurement, double> f) => Medians.Of(point.Select(f));
            table.Add(point.Key.Route, Format.Count(point.Key.Rate), Format.Count(Median(m => m.Result.AchievedRate)),
                Format.Micros(Median(m => m.Result.Latency.P50)), Format.Micros(Median(m => m.Result.Latency.P90)),
                Format.Micros(Median(m => m.Result.Latency.P99)),
                $"{Format.Micros(point.Min(m => m.Result.Latency.P99))}–{Format.Micros(point.Max(m => m.Result.Latency.P99))}",
                Format.Micros(Median(m => m.Result.Latency.P999)), Format.Micros(Median(m => m.Result.Latency.Max)),
                Format.Count(point.Sum(m => m.Result.Errors)), Format.Micros(Median(m => m.Result.SendLagP99)),
                Format.One(Median(m => PointCpu.MicrosPerRequest(m.Cpu.RouteSeconds, m.Result.Requests))));
        }

        return table;
    }

    /// <summary>The tunnel's p99 over direct's at each rate, the figure the latency goal is stated in.</summary>
    public static void AddHeadlines(ScenarioReport report, IReadOnlyList<FixedRateMeasurement> measurements)
    {
        var points = Points(measurements).ToDictionary(p => p.Key, p => Medians.Of(p.Select(m => m.Result.Latency.P99)));
        foreach (var ((route, rate), p99) in points.Where(p => p.Key.Route == "tunnel"))
        {
            if (points.TryGetValue(("direct", rate), out var direct))
            {
                report.Headlines[string.Create(CultureInfo.InvariantCulture, $"tunnel p99 at {rate:#,0} req/s offered")] =
                    $"{Format.Micros(p99)} (direct + {Format.Micros(p99 - direct)})";
            }
        }
    }

    private static IEnumerable<IGrouping<(string Route, double Rate), FixedRateMeasurement>> Points(IEnumerable<FixedRateMeasurement> measurements) =>
        measurements.GroupBy(m => (m.Route, m.Result.OfferedRate)).OrderBy(g => g.Key.OfferedRate);
}
