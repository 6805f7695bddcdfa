namespace Plural.Bench.Processes;

/// <summary>CPU used during one measured window: by each process of the route, by the load client and by the whole machine.</summary>
/// <param name="Processes">CPU seconds of each process of the route.</param>
/// <param name="ClientSeconds">CPU seconds of the load client.</param>
/// <param name="MachineBusySeconds">Busy CPU seconds of the whole machine, every process included.</param>
/// <param name="MachineCoreSeconds">Core-seconds that elapsed (window length times cores), busy or idle.</param>
public sealed record PointCpu(IReadOnlyList<ComponentCpu> Processes, double ClientSeconds, double MachineBusySeconds, double MachineCoreSeconds)
{
    /// <summary>CPU seconds of the route's processes together.</summary>
    public double RouteSeconds => Processes.Sum(p => p.Seconds);

    /// <summary>
    /// CPU seconds of everything else on the machine (other work, the kernel's share not charged to a process); a large
    /// figure means the point was measured on a busy machine.
    /// </summary>
    public double OtherSeconds => Math.Max(0, MachineBusySeconds - RouteSeconds - ClientSeconds);

    /// <summary>Microseconds of CPU per request for <paramref name="seconds"/> spread over <paramref name="requests"/>.</summary>
    public static double MicrosPerRequest(double seconds, long requests) => seconds * 1e6 / Math.Max(1, requests);

    /// <summary><paramref name="seconds"/> as a share (0 to 1) of what the machine's cores had during the window.</summary>
    public double ShareOfMachine(double seconds) => MachineCoreSeconds > 0 ? seconds / MachineCoreSeconds : 0;
}
