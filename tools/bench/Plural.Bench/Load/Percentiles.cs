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

        var rank = (int)Rank(percentile, sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>
    /// The 1-based nearest rank of <paramref name="percentile"/> among <paramref name="count"/> values, rounded before the
    /// ceiling so that 99.9 % of 1,000 is rank 999, not 1,000 by a floating-point hair.
    /// </summary>
    public static long Rank(double percentile, long count) => Math.Max(1, (long)Math.Ceiling(Math.Round(percentile / 100 * count, 6)));
}
