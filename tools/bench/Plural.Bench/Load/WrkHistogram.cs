namespace Plural.Bench.Load;

/// <summary>
/// wrk's latency histogram as recorded, from the one its Lua <c>done</c> hook sees. Before that hook runs, wrk
/// "corrects" the histogram for coordinated omission (<c>stats_correct</c> in wrk.c): for every recorded latency of at
/// least twice the mean interval between requests on a connection (run time / (requests / connections)), it adds one
/// made-up sample at that latency minus one interval, minus two, and so on down to one interval. That assumes the
/// client would have sent requests on a schedule; a closed loop does not, so in a closed loop the made-up samples
/// describe requests that were never sent. One 40 ms stall at 3,000 requests a second adds some 120 samples spread up
/// to 40 ms; a few such stalls move p90 from under a millisecond to tens, and the mean with it, while the request
/// count stays as it was, which is how the <c>ssh -R</c> route's percentiles broke Little's law. This class takes the
/// made-up samples out again, exactly, so the closed-loop figures are the requests wrk timed.
/// </summary>
public static class WrkHistogram
{
    /// <summary>The interval wrk corrects with, computed as wrk does (integer division, in microseconds).</summary>
    public static long CorrectionInterval(long runtimeMicros, long completed, int connections) =>
        completed / connections > 0 ? runtimeMicros / (completed / connections) : 0;

    /// <summary>
    /// The histogram wrk recorded, from the corrected one (<paramref name="corrected"/>: latency in µs → count) and the
    /// interval it corrected with; unchanged when the interval is 0 (wrk did not correct).
    /// </summary>
    public static SortedDictionary<long, long> Uncorrect(IReadOnlyDictionary<long, long> corrected, long interval)
    {
        var recorded = new SortedDictionary<long, long>();
        if (interval <= 0)
        {
            foreach (var (value, count) in corrected)
            {
                recorded[value] = count;
            }

            return recorded;
        }

        // Every value m above one interval received one sample for each recorded sample at m + k·interval (k ≥ 1).
        // From the top down, the recorded counts above m are known by the time m is reached; their sums per residue
        // class modulo the interval are exactly what was added to m.
        var addedFromAbove = new Dictionary<long, long>();
        foreach (var value in corrected.Keys.OrderByDescending(v => v))
        {
            var residue = value % interval;
            var added = value > interval ? addedFromAbove.GetValueOrDefault(residue) : 0;
            var count = Math.Max(0, corrected[value] - added);
            if (count > 0)
            {
                recorded[value] = count;
                addedFromAbove[residue] = addedFromAbove.GetValueOrDefault(residue) + count;
            }
        }

        return recorded;
    }

    /// <summary>Percentiles (nearest rank), mean and maximum of a histogram of latencies in µs.</summary>
    public static LatencySummary Summarise(SortedDictionary<long, long> histogram)
    {
        var total = histogram.Values.Sum();
        if (total == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        double At(double percentile)
        {
            var rank = Percentiles.Rank(percentile, total);
            long seen = 0;
            foreach (var (value, count) in histogram)
            {
                seen += count;
                if (seen >= rank)
                {
                    return value;
                }
            }

            return histogram.Keys.Last();
        }

        var mean = histogram.Sum(p => (double)p.Key * p.Value) / total;
        return new LatencySummary(At(50), At(90), At(99), At(99.9), histogram.Keys.Last(), mean);
    }
}
