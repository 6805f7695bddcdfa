using Plural.Bench.Load;
using Plural.Bench.Processes;

namespace Plural.Bench.SmallGet;

/// <summary>One route at one offered rate in one repeat: the open-loop result and the CPU spent meanwhile.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Repeat">Which repeat (1-based) of the point this is.</param>
/// <param name="Result">What the fixed-rate client measured.</param>
/// <param name="Cpu">CPU seconds during the run.</param>
public sealed record FixedRateMeasurement(string Route, int Repeat, FixedRateResult Result, PointCpu Cpu);
