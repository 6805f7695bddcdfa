using System.Globalization;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>The Little's-law table and the warning for the points that break it.</summary>
public static class LittlesLawReport
{
    /// <summary>Concurrency / throughput against the measured mean latency, per point.</summary>
    public static ResultTable Table(IReadOnlyList<PointSummary> points)
    {
        var table = new ResultTable($"Little's law (closed loop): concurrency / throughput against the mean latency, flagged beyond {LittlesLawCheck.Tolerance:P0}",
            "route", "concurrency", "concurrency / req/s", "mean latency", "mean / expected", "repeats off", "check");
        foreach (var p in points)
        {
            var check = p.Little;
            table.Add(p.Route, p.Concurrency.ToString(CultureInfo.InvariantCulture), Format.Micros(check.ExpectedMicros), Format.Micros(check.MeasuredMicros),
                Format.Ratio(check.Ratio), $"{p.RepeatsBreakingLittle} of {p.Samples.Count}", check.Agrees && p.RepeatsBreakingLittle == 0 ? "ok" : "**off**");
        }

        return table;
    }

    /// <summary>A warning naming every point whose latency figures break Little's law, or null when none does.</summary>
    public static string? Warning(IReadOnlyList<PointSummary> points)
    {
        var off = points.Where(p => !p.Little.Agrees || p.RepeatsBreakingLittle > 0).ToList();
        return off.Count == 0 ? null
            : "**Warning: Little's law does not hold** for " + string.Join("; ", off.Select(p => string.Create(CultureInfo.InvariantCulture,
                  $"{p.Route} at concurrency {p.Concurrency} (mean {Format.Micros(p.Little.MeasuredMicros)} against {Format.Micros(p.Little.ExpectedMicros)} expected, {p.RepeatsBreakingLittle} of {p.Samples.Count} repeats off)"))) +
              ". The latency percentiles of these points do not describe the requests that were counted; do not compare them.";
    }
}
