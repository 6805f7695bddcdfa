namespace Plural.Bench.Load;

/// <summary>
/// Little's law for a closed loop: with N requests always in flight and X completed per second, the mean latency is
/// N / X. A measured mean far from that means the latencies were not recorded for the requests that were counted
/// (time left out of the recording, or requests counted that were never timed).
/// </summary>
/// <param name="ExpectedMicros">Concurrency divided by throughput, in microseconds.</param>
/// <param name="MeasuredMicros">The mean latency the client recorded, in microseconds.</param>
public sealed record LittlesLawCheck(double ExpectedMicros, double MeasuredMicros)
{
    /// <summary>How far apart the two figures may be, as a share of the expected one, before the point is flagged.</summary>
    public const double Tolerance = 0.2;

    /// <summary>Measured over expected; NaN when nothing completed.</summary>
    public double Ratio => ExpectedMicros > 0 ? MeasuredMicros / ExpectedMicros : double.NaN;

    /// <summary>True when the two figures are within <see cref="Tolerance"/> of each other.</summary>
    public bool Agrees => double.IsFinite(Ratio) && Math.Abs(Ratio - 1) <= Tolerance;

    /// <summary>The check for a closed-loop result.</summary>
    public static LittlesLawCheck Of(LoadResult load) =>
        new(load.RequestsPerSecond > 0 ? load.Concurrency * 1e6 / load.RequestsPerSecond : 0, load.Mean);
}
