using Plural.Bench.Load;

namespace Plural.Bench.Tests;

public sealed class WrkHistogramTests
{
    [Fact]
    public void The_samples_wrk_makes_up_for_coordinated_omission_are_taken_out_exactly()
    {
        // One connection, mostly 300 µs answers, and three stalls of 40 ms as ssh -R showed.
        var recorded = new SortedDictionary<long, long> { [280] = 5_000, [300] = 18_000, [350] = 1_000, [40_000] = 2, [41_500] = 1 };
        var runtime = 8_000_000L;
        var completed = recorded.Values.Sum();
        var interval = WrkHistogram.CorrectionInterval(runtime, completed, 1);
        var corrected = CorrectAsWrkDoes(recorded, interval);

        var restored = WrkHistogram.Uncorrect(corrected, interval);

        Assert.Equal(recorded, restored);
        // Left in, the made-up samples push the tail and the mean far beyond what any timed request shows at the median.
        Assert.True(WrkHistogram.Summarise(new SortedDictionary<long, long>(corrected)).P99 > 10_000);
        Assert.Equal(350, WrkHistogram.Summarise(restored).P99);
    }

    [Fact]
    public void A_histogram_wrk_did_not_correct_is_left_as_it_is()
    {
        var recorded = new Dictionary<long, long> { [100] = 3, [9_000] = 1 };

        Assert.Equal(recorded, WrkHistogram.Uncorrect(recorded, 0));
        Assert.Equal(0, WrkHistogram.CorrectionInterval(1_000_000, 10, 16));
    }

    [Fact]
    public void Histogram_percentiles_are_nearest_rank_and_the_mean_is_weighted()
    {
        var summary = WrkHistogram.Summarise(new SortedDictionary<long, long> { [10] = 50, [20] = 40, [30] = 9, [400] = 1 });

        Assert.Equal((10, 20, 30, 400, 400), (summary.P50, summary.P90, summary.P99, summary.P999, summary.Max));
        Assert.Equal((10 * 50 + 20 * 40 + 30 * 9 + 400) / 100.0, summary.Mean, 9);
    }

    // wrk 4.1.0's stats_correct, transcribed: for n from 2·expected up to the maximum, the count at n is added at
    // n - expected, n - 2·expected, ... while the value stays above one interval.
    private static Dictionary<long, long> CorrectAsWrkDoes(SortedDictionary<long, long> recorded, long expected)
    {
        var data = new Dictionary<long, long>(recorded);
        var max = recorded.Keys.Max();
        for (var n = expected * 2; n <= max; n++)
        {
            var count = data.GetValueOrDefault(n);
            for (var m = n - expected; count != 0 && m > expected; m -= expected)
            {
                data[m] = data.GetValueOrDefault(m) + count;
            }
        }

        return data.Where(p => p.Value > 0).ToDictionary();
    }
}
