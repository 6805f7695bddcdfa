using Plural.Bench.Load;

namespace Plural.Bench.Tests;

public sealed class LoadMeasurementTests
{
    [Fact]
    public void Littles_law_holds_when_the_mean_latency_is_concurrency_over_throughput()
    {
        // 16 in flight, 8,000 answered in 1 s: each took 2 ms on average.
        var load = new LoadResult(16, 8_000, 0, 1.0, 1_900, 2_500, 3_000, 3_500, 4_000, 2_100, "wrk");

        var check = LittlesLawCheck.Of(load);

        Assert.Equal(2_000, check.ExpectedMicros, 6);
        Assert.Equal(1.05, check.Ratio, 6);
        Assert.True(check.Agrees);
    }

    [Fact]
    public void A_mean_latency_that_cannot_be_true_for_the_counted_requests_is_flagged()
    {
        // What ssh -R reported in an earlier run: one in flight, 3,288 answers a second, yet a mean far above 304 µs.
        var load = new LoadResult(1, 3_288 * 8, 0, 8.0, 172, 29_720, 41_390, 42_000, 45_000, 3_400, "wrk");

        var check = LittlesLawCheck.Of(load);

        Assert.Equal(1e6 / 3_288, check.ExpectedMicros, 3);
        Assert.False(check.Agrees);
    }

    [Theory]
    [InlineData(1_190, true)]
    [InlineData(810, true)]
    [InlineData(1_210, false)]
    [InlineData(790, false)]
    public void The_tolerance_is_a_fifth_either_way(double meanMicros, bool agrees) =>
        Assert.Equal(agrees, new LittlesLawCheck(1_000, meanMicros).Agrees);

    [Fact]
    public void Nothing_completed_is_never_taken_for_agreement() =>
        Assert.False(LittlesLawCheck.Of(new LoadResult(4, 0, 12, 1.0, 0, 0, 0, 0, 0, 0, "own")).Agrees);

    [Fact]
    public void A_fixed_rate_schedule_spaces_requests_evenly_from_the_start()
    {
        var schedule = new FixedRateSchedule(4_000);

        Assert.Equal(0, schedule.IntendedStartMicros(0));
        Assert.Equal(250, schedule.IntendedStartMicros(1));
        Assert.Equal(1_000_000, schedule.IntendedStartMicros(4_000));
        Assert.Equal(8_000, schedule.CountWithin(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_stall_counts_for_every_request_that_was_due_during_it_not_only_the_one_that_waited()
    {
        // 1,000 requests a second for 1 s, each answered 100 µs after it was due, except that the server stalls for 50 ms
        // at 200 ms: every request due in that window is answered only when it ends.
        var schedule = new FixedRateSchedule(1_000);
        var sent = new double[1_000];
        var completed = new double[1_000];
        for (var i = 0; i < 1_000; i++)
        {
            var due = schedule.IntendedStartMicros(i);
            sent[i] = due;
            completed[i] = due is >= 200_000 and < 250_000 ? 250_100 : due + 100;
        }

        var result = FixedRateResult.From(schedule, sent, completed, "own");

        Assert.Equal(100, result.Latency.P50, 6);
        // 50 of 1,000 requests (5 %) waited between 0.1 and 50 ms: p99 lands among them, far above the service time,
        // where timing only the one request that met the stall would put it at 100 µs.
        Assert.InRange(result.Latency.P99, 40_000, 50_100);
        Assert.Equal(50_100, result.Latency.Max, 6);
        Assert.Equal(1_000, result.Requests);
        Assert.Equal(1_000, result.AchievedRate, 0);
    }

    [Fact]
    public void Failed_and_late_requests_are_counted_apart_from_the_latencies()
    {
        var schedule = new FixedRateSchedule(100);
        double[] sent = [0, 10_000 + 300, 20_000, 30_000];
        double[] completed = [500, double.NaN, 20_500, 30_500];

        var result = FixedRateResult.From(schedule, sent, completed, "own");

        Assert.Equal(3, result.Requests);
        Assert.Equal(1, result.Errors);
        Assert.Equal(300, result.SendLagP99, 6);
        Assert.Equal(500, result.Latency.Mean, 6);
        // Three answers over the schedule's 40 ms: answering early does not raise the rate above what was offered.
        Assert.Equal(75, result.AchievedRate, 6);
    }

    [Fact]
    public void A_latency_summary_has_the_tail_and_the_mean()
    {
        var latencies = Enumerable.Range(1, 1_000).Select(i => (double)i).Reverse().ToList();

        var summary = LatencySummary.Of(latencies);

        Assert.Equal((500, 900, 990, 999, 1_000), (summary.P50, summary.P90, summary.P99, summary.P999, summary.Max));
        Assert.Equal(500.5, summary.Mean, 6);
    }
}
