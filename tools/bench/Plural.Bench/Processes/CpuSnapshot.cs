namespace Plural.Bench.Processes;

/// <summary>
/// CPU counters at one instant: each process of a route, the load client (the bench process itself, with the programs
/// it ran and reaped, such as wrk) and the whole machine, all in CPU seconds since they started.
/// </summary>
/// <param name="Names">Names of the route's processes.</param>
/// <param name="Processes">CPU seconds of each of the route's processes (with their descendants).</param>
/// <param name="Client">CPU seconds of the bench process and its reaped children.</param>
/// <param name="MachineBusy">Busy CPU seconds of the whole machine, all cores.</param>
/// <param name="MachineTotal">Elapsed core-seconds of the whole machine, busy or idle.</param>
public sealed record CpuSnapshot(IReadOnlyList<string> Names, IReadOnlyList<double> Processes, double Client, double MachineBusy, double MachineTotal)
{
    /// <summary>Reads the counters now.</summary>
    public static CpuSnapshot Take(IReadOnlyList<ChildProcess> processes)
    {
        var route = processes.Select(p => p.Sample().CpuSeconds).ToArray();
        // The client's own counters: a wrk run it waited for is in its reaped-children time by now.
        var (own, reaped) = ProcessStats.OwnAndReapedCpu(Environment.ProcessId);
        var (busy, total) = ProcessStats.MachineCpu();
        return new CpuSnapshot(processes.Select(p => p.Name).ToArray(), route, own + reaped, busy, total);
    }

    /// <summary>What was used between this snapshot and <paramref name="later"/>.</summary>
    public PointCpu Until(CpuSnapshot later) => new(
        Names.Select((name, i) => new ComponentCpu(name, Math.Max(0, later.Processes[i] - Processes[i]))).ToArray(),
        Math.Max(0, later.Client - Client),
        Math.Max(0, later.MachineBusy - MachineBusy),
        Math.Max(0, later.MachineTotal - MachineTotal));
}
