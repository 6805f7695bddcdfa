namespace Plural.Bench.SmallGet;

/// <summary>The median of a few repeats.</summary>
public static class Medians
{
    /// <summary>The middle value, or the mean of the two middle ones; NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
