using System.Globalization;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>CPU per request and as a share of the machine, per point: each process of the route, the load client, the machine, the rest.</summary>
public static class CpuTables
{
    /// <summary>Beyond this share of the machine taken by other work, a point's figures are flagged.</summary>
    public const double BusyMachineShare = 0.1;

    /// <summary>CPU seconds of the gateway and the agent together.</summary>
    public static double GatewayAndAgent(PointCpu cpu) => cpu.Processes.Where(c => c.Component is "gateway" or "agent").Sum(c => c.Seconds);

    /// <summary>µs of CPU per request, medians over the repeats.</summary>
    public static ResultTable PerRequest(IReadOnlyList<PointSummary> points) =>
        Build("CPU per request (µs of user+system time, median of the repeats)", points, (p, f) => Format.One(p.MicrosPerRequest(f)));

    /// <summary>Share of the machine, medians over the repeats.</summary>
    public static ResultTable ShareOfMachine(IReadOnlyList<PointSummary> points) =>
        Build("CPU as % of the machine (all cores; median of the repeats)", points, (p, f) => Format.One(p.ShareOfMachine(f) * 100));

    /// <summary>CPU with no load, % of one core per process.</summary>
    public static ResultTable Idle(IReadOnlyList<IdleCpu> idle)
    {
        var table = new ResultTable("CPU with no load (% of one core, per process)", "route", "per process");
        foreach (var route in idle)
        {
            table.Add(route.Route, string.Join(", ", route.Processes.Select(p => $"{p.Component} {Format.One(p.Seconds * 100)}")));
        }

        return table;
    }

    /// <summary>A warning naming the points measured while other work took more than <see cref="BusyMachineShare"/> of the machine.</summary>
    public static string? BusyMachineWarning(IReadOnlyList<PointSummary> points)
    {
        var busy = points.Where(p => p.ShareOfMachine(c => c.OtherSeconds) > BusyMachineShare).ToList();
        return busy.Count == 0 ? null
            : $"**Warning: the machine was busy** with other work (over {BusyMachineShare:P0} of it) during " +
              string.Join(", ", busy.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Route} at {p.Concurrency} ({p.ShareOfMachine(c => c.OtherSeconds):P0})"))) +
              ": absolute figures of these points are pessimistic.";
    }

    private static ResultTable Build(string title, IReadOnlyList<PointSummary> points, Func<PointSummary, Func<PointCpu, double>, string> cell)
    {
        var table = new ResultTable(title, "route", "concurrency", "per process", "route", "load client", "whole machine", "others");
        foreach (var p in points)
        {
            var names = p.Samples[0].Cpu.Processes.Select(c => c.Component).ToList();
            table.Add(p.Route, p.Concurrency.ToString(CultureInfo.InvariantCulture),
                string.Join(", ", names.Select(name => $"{name} {cell(p, c => c.Processes.Where(x => x.Component == name).Sum(x => x.Seconds))}")),
                cell(p, c => c.RouteSeconds), cell(p, c => c.ClientSeconds), cell(p, c => c.MachineBusySeconds), cell(p, c => c.OtherSeconds));
        }

        return table;
    }
}
