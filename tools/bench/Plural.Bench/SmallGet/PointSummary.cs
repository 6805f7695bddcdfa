using Plural.Bench.Load;
using Plural.Bench.Processes;

namespace Plural.Bench.SmallGet;

/// <summary>The repeats of one closed-loop point (route, concurrency): medians, spreads and the Little's-law check.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Concurrency">Requests kept in flight.</param>
/// <param name="Samples">Every repeat of the point.</param>
public sealed record PointSummary(string Route, int Concurrency, IReadOnlyList<SmallGetMeasurement> Samples)
{
    /// <summary>Groups measurements into points, in the order they were first measured.</summary>
    public static IReadOnlyList<PointSummary> Of(IEnumerable<SmallGetMeasurement> measurements) =>
        measurements.GroupBy(m => (m.Route, m.Load.Concurrency))
            .Select(g => new PointSummary(g.Key.Route, g.Key.Concurrency, g.ToList()))
            .OrderBy(p => p.Concurrency).ToList();

    /// <summary>The median over the repeats of a figure of each.</summary>
    public double Median(Func<SmallGetMeasurement, double> figure) => Medians.Of(Samples.Select(figure));

    /// <summary>The smallest and largest value over the repeats of a figure of each.</summary>
    public (double Min, double Max) Spread(Func<SmallGetMeasurement, double> figure) =>
        (Samples.Min(figure), Samples.Max(figure));

    /// <summary>The repeat with the median throughput: one run whose figures belong together, for the analysis.</summary>
    public SmallGetMeasurement MedianRun => Samples.OrderBy(s => s.Load.RequestsPerSecond).ElementAt((Samples.Count - 1) / 2);

    /// <summary>Little's law on the medians of the repeats.</summary>
    public LittlesLawCheck Little => new(Median(s => LittlesLawCheck.Of(s.Load).ExpectedMicros), Median(s => s.Load.Mean));

    /// <summary>Repeats whose own figures break Little's law.</summary>
    public int RepeatsBreakingLittle => Samples.Count(s => !LittlesLawCheck.Of(s.Load).Agrees);

    /// <summary>Median CPU µs per request of one process of the route (0 when the route has no such process).</summary>
    public double MicrosPerRequest(Func<PointCpu, double> seconds) =>
        Median(s => PointCpu.MicrosPerRequest(seconds(s.Cpu), s.Load.Requests));

    /// <summary>Median share (0 to 1) of the machine that <paramref name="seconds"/> took.</summary>
    public double ShareOfMachine(Func<PointCpu, double> seconds) => Median(s => s.Cpu.ShareOfMachine(seconds(s.Cpu)));
}
