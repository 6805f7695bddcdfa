namespace Plural.Bench.Load;

/// <summary>Nearest-rank percentiles over recorded latencies.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/> (0 to 100) of an ascending-sorted list; 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
