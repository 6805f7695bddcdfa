using Plural.Bench.Baselines;

namespace Plural.Bench.SmallGet;

/// <summary>Everything one small-GET run measured, and how it was run.</summary>
/// <param name="Measurements">Closed-loop points, every repeat.</param>
/// <param name="FixedRate">Open-loop points, every repeat.</param>
/// <param name="Idle">Each route's processes with no load.</param>
/// <param name="Levels">Concurrency levels.</param>
/// <param name="Rates">Offered rates of the open-loop runs.</param>
/// <param name="Repeats">Runs of every point.</param>
/// <param name="Profile">Plain text or TLS.</param>
/// <param name="Client">The closed-loop client (<c>wrk</c> or <c>own</c>).</param>
/// <param name="Duration">Measured time per point.</param>
/// <param name="Warmup">Unmeasured load before each point.</param>
public sealed record SmallGetRun(
    IReadOnlyList<SmallGetMeasurement> Measurements,
    IReadOnlyList<FixedRateMeasurement> FixedRate,
    IReadOnlyList<IdleCpu> Idle,
    IReadOnlyList<int> Levels,
    IReadOnlyList<int> Rates,
    int Repeats,
    SecurityProfile Profile,
    string Client,
    TimeSpan Duration,
    TimeSpan Warmup);
