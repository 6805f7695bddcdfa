namespace Plural.Bench.Load;

/// <summary>Percentiles, mean and maximum of recorded latencies, in microseconds.</summary>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="P999">99.9th percentile.</param>
/// <param name="Max">Largest.</param>
/// <param name="Mean">Arithmetic mean.</param>
public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean)
{
    /// <summary>Summarises <paramref name="latencies"/>, sorting the list in place; all zero when empty.</summary>
    public static LatencySummary Of(List<double> latencies)
    {
        if (latencies.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        latencies.Sort();
        return new LatencySummary(Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 90), Percentiles.Of(latencies, 99),
            Percentiles.Of(latencies, 99.9), latencies[^1], latencies.Average());
    }
}
