using Plural.Bench.Load;
using Plural.Bench.Processes;

namespace Plural.Bench.SmallGet;

/// <summary>One route at one concurrency in one repeat: the load result and the CPU the route, the client and the machine spent.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Repeat">Which repeat (1-based) of the point this is.</param>
/// <param name="Load">What the load client measured.</param>
/// <param name="Cpu">CPU seconds during the measured window.</param>
public sealed record SmallGetMeasurement(string Route, int Repeat, LoadResult Load, PointCpu Cpu);
