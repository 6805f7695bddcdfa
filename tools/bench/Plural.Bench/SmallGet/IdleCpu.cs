using Plural.Bench.Processes;

namespace Plural.Bench.SmallGet;

/// <summary>CPU each process of a route used with no load, as a share of one core.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Processes">Per process: CPU seconds per second while idle.</param>
public sealed record IdleCpu(string Route, IReadOnlyList<ComponentCpu> Processes);
