using Plural.Bench.Load;
using Plural.Bench.Processes;

namespace Plural.Bench.SmallGet;

/// <summary>One route at one concurrency: the load result and the CPU each process of the route spent.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Load">What the load client measured.</param>
/// <param name="Cpu">CPU seconds per process during the measured window.</param>
public sealed record SmallGetMeasurement(string Route, LoadResult Load, IReadOnlyList<ComponentCpu> Cpu);
