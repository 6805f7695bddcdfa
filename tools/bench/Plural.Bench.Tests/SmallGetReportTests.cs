using Plural.Bench.Baselines;
using Plural.Bench.Load;
using Plural.Bench.Processes;
using Plural.Bench.SmallGet;

namespace Plural.Bench.Tests;

public sealed class SmallGetReportTests
{
    [Fact]
    public void Each_point_shows_the_median_of_its_repeats_and_their_spread()
    {
        var run = Run(
            Point("direct", 1, 1, rps: 20_000, mean: 50),
            Point("direct", 1, 2, rps: 24_000, mean: 42),
            Point("direct", 1, 3, rps: 22_000, mean: 45));

        var report = SmallGetReport.Build(run, []);

        var row = Assert.Single(report.Tables[0].Rows);
        Assert.Equal(["direct", "1", "22,000", "20,000–24,000"], row.Take(4));
        Assert.Contains("median of 3", report.Tables[0].Title);
    }

    [Fact]
    public void A_point_whose_mean_latency_breaks_littles_law_is_flagged_in_its_row_and_in_a_warning()
    {
        // ssh -R as it once reported: 3,288 answers a second with one in flight, yet a 3.4 ms mean.
        var run = Run(Point("ssh -R", 1, 1, rps: 3_288, mean: 3_400), Point("direct", 1, 1, rps: 25_000, mean: 40));

        var report = SmallGetReport.Build(run, []);

        var little = report.Tables.Single(t => t.Title.StartsWith("Little's law", StringComparison.Ordinal));
        Assert.Equal("**off**", little.Rows.Single(r => r[0] == "ssh -R")[^1]);
        Assert.Equal("ok", little.Rows.Single(r => r[0] == "direct")[^1]);
        var warning = Assert.Single(report.Notes, n => n.Contains("Little's law does not hold", StringComparison.Ordinal));
        Assert.Contains("ssh -R at concurrency 1", warning);
        Assert.DoesNotContain("direct", warning);
    }

    [Fact]
    public void Cpu_per_request_names_every_process_of_the_route_the_load_client_the_machine_and_the_rest()
    {
        var run = Run(Point("tunnel", 16, 1, rps: 10_000, mean: 1_600,
            cpu: new PointCpu([new("upstream", 0.2), new("gateway", 0.8), new("agent", 0.6)], ClientSeconds: 0.4, MachineBusySeconds: 2.6, MachineCoreSeconds: 2.0 * 2)));

        var report = SmallGetReport.Build(run, []);

        // 10,000 requests in 1 s: 1 CPU-second is 100 µs per request.
        var perRequest = report.Tables.Single(t => t.Title.StartsWith("CPU per request", StringComparison.Ordinal)).Rows.Single();
        Assert.Equal(["tunnel", "16", "upstream 20.0, gateway 80.0, agent 60.0", "160.0", "40.0", "260.0", "60.0"], perRequest);
        var share = report.Tables.Single(t => t.Title.StartsWith("CPU as % of the machine", StringComparison.Ordinal)).Rows.Single();
        Assert.Equal(["tunnel", "16", "upstream 5.0, gateway 20.0, agent 15.0", "40.0", "10.0", "65.0", "15.0"], share);
        Assert.Contains(report.Notes, n => n.Contains("the machine was busy", StringComparison.Ordinal) && n.Contains("tunnel at 16 (15 %)", StringComparison.Ordinal));
    }

    [Fact]
    public void Fixed_rate_points_report_the_tail_from_the_intended_start_and_the_tunnels_p99_over_directs()
    {
        var run = Run(Point("direct", 1, 1, rps: 20_000, mean: 50)) with
        {
            Rates = [1_000],
            FixedRate =
            [
                FixedRate("direct", 1, p99: 300), FixedRate("tunnel", 1, p99: 900),
                FixedRate("direct", 2, p99: 400), FixedRate("tunnel", 2, p99: 1_300),
            ],
        };

        var report = SmallGetReport.Build(run, []);

        var table = report.Tables.Single(t => t.Title.StartsWith("Fixed-rate latency", StringComparison.Ordinal));
        var tunnel = table.Rows.Single(r => r[0] == "tunnel");
        Assert.Equal(["tunnel", "1,000"], tunnel.Take(2));
        Assert.Equal("1.1 ms", tunnel[5]);
        Assert.Equal("900 µs–1.3 ms", tunnel[6]);
        Assert.Equal("1.1 ms (direct + 750 µs)", report.Headlines["tunnel p99 at 1,000 req/s offered"]);
    }

    [Fact]
    public void The_security_profile_is_in_the_result()
    {
        var report = SmallGetReport.Build(Run(Point("direct", 1, 1, rps: 20_000, mean: 50)) with { Profile = SecurityProfile.Tls }, []);

        Assert.StartsWith("tls", report.Headlines["security profile"]);
    }

    private static SmallGetRun Run(params SmallGetMeasurement[] measurements) =>
        new(measurements, [], [], measurements.Select(m => m.Load.Concurrency).Distinct().ToList(), [], measurements.Max(m => m.Repeat),
            SecurityProfile.Plain, "wrk", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private static SmallGetMeasurement Point(string route, int concurrency, int repeat, double rps, double mean, PointCpu? cpu = null) =>
        new(route, repeat, new LoadResult(concurrency, (long)rps, 0, 1.0, mean, mean * 1.5, mean * 2, mean * 3, mean * 4, mean, "wrk"),
            cpu ?? new PointCpu([new("upstream", 0.1)], 0.1, 0.3, 2.0));

    private static FixedRateMeasurement FixedRate(string route, int repeat, double p99) =>
        new(route, repeat, new FixedRateResult(1_000, 1_000, 1_000, 0, new LatencySummary(p99 / 3, p99 / 2, p99, p99 * 2, p99 * 3, p99 / 3), 20, "own"),
            new PointCpu([new("upstream", 0.05)], 0.1, 0.3, 2.0));
}
