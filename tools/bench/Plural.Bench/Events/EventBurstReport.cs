using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Events;

/// <summary>Turns a <see cref="BurstRun"/> into tables and headlines.</summary>
public static class EventBurstReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(BurstRun run)
    {
        var report = new ScenarioReport
        {
            Method =
                $"{run.Changes:#,0} namespaces are created in a Kubernetes emulator (inside the bench process, plain HTTP on loopback) on a fixed " +
                $"schedule over {run.Offered.TotalSeconds:0.#} s (open loop: change i is due at i/{run.Changes} of the span, whatever earlier ones took, " +
                $"from a few concurrent writers), while {run.Subscribers:#,0} WebSocket clients (one connection each, in the bench process) are " +
                "subscribed to the agent's `ClusterEventsChannel`. The changes travel emulator watch → AgentK informer → the agent's event queue " +
                "(`Agent:Events`: bounded, rate-limited, batched) → gateway → Orleans stream → the agent's event log grain → the gateway's long poll " +
                "on it → every WebSocket. The bench then waits until every subscriber has every change, or until nothing new arrived for 20 s. " +
                "A subscriber that misses changes must get a typed `reset` (its last position and the reset's `seq` name the positions it missed), " +
                "never silence. Silo, gateway and AgentK are separate processes with production defaults, logging at Warning.",
        };
        var expected = (long)run.Changes * run.Subscribers;
        var table = new ResultTable("Burst to /cable subscribers", "subscribers", "changes", "made in", "settled after", "delivered", "missing",
            "resets (subscribers)", "lost connections", "p50", "p99", "max");
        var l = run.LatenciesMs;
        table.Add(Format.Count(run.Subscribers), Format.Count(run.Changes), Seconds(run.Made), Seconds(run.Settled),
            $"{Format.Count(l.Count)} of {Format.Count(expected)}", Format.Count(run.Missing), $"{Format.Count(run.Resets)} ({Format.Count(run.SubscribersReset)})",
            Format.Count(run.LostConnections), EventBurstScenario.Ms(Percentiles.Of(l, 50)), EventBurstScenario.Ms(Percentiles.Of(l, 99)),
            EventBurstScenario.Ms(l.Count == 0 ? 0 : l[^1]));
        report.Tables.Add(table);

        var cpu = new ResultTable("CPU over the run", "process", "CPU seconds", "per change");
        foreach (var process in run.Cpu)
        {
            cpu.Add(process.Component, Format.One(process.Seconds), Format.Micros(process.Seconds * 1e6 / run.Changes));
        }

        report.Tables.Add(cpu);
        report.Headlines["changes offered per second"] = Format.Count(run.Changes / run.Offered.TotalSeconds);
        report.Headlines["(subscriber, change) pairs missing"] = Format.Count(run.Missing);
        report.Headlines["missing without a typed reset"] = run.Missing == 0 || run.SubscribersReset > 0 ? "none" : Format.Count(run.Missing);
        report.Headlines["first change to last arrival"] = Seconds(run.Settled);
        report.Data = new
        {
            run.Subscribers, run.Changes, OfferedSeconds = run.Offered.TotalSeconds, MadeSeconds = run.Made.TotalSeconds,
            SettledSeconds = run.Settled.TotalSeconds, Delivered = l.Count, run.Missing, run.Resets, run.SubscribersReset, run.LostConnections,
            P50 = Percentiles.Of(l, 50), P99 = Percentiles.Of(l, 99), Max = l.Count == 0 ? 0 : l[^1],
            Cpu = run.Cpu,
        };
        return report;
    }

    private static string Seconds(TimeSpan span) => Format.One(span.TotalSeconds) + " s";
}
