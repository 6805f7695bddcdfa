using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Agents;

/// <summary>Turns the ramp steps into a table, per-agent figures and notes.</summary>
public static class AgentsReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(IReadOnlyList<AgentStep> steps, int tunnels, int parallel, TimeSpan settle,
        TimeSpan requestDuration, int requestConcurrency)
    {
        var report = new ScenarioReport
        {
            Method =
                $"Light agents, all in the bench process, each with its own HTTP/2 connection to the gateway's agent listener, a " +
                $"session (hello, welcome, heartbeats at the interval the gateway sets) and {tunnels} idle `Connect` tunnel streams, " +
                "speaking the real protocol (`plural.agent.v1`) with their own registered agent tokens. One silo process and one gateway " +
                $"process with production defaults (15 s lease renewals per agent, 20 s heartbeats, 30 s HTTP/2 pings). The ramp connects " +
                $"{parallel} agents at a time; an agent counts as connected when the gateway welcomed its session and every tunnel announced " +
                $"itself. At each step the agents idle for {settle.TotalSeconds:0} s, then memory is read and idle CPU measured over another " +
                $"{settle.TotalSeconds:0} s, then {requestConcurrency} requests are kept in flight for {requestDuration.TotalSeconds:0} s, each " +
                "through the gateway's proxy route to a random agent, which answers from memory (no upstream), so latency is the " +
                "gateway's routing and tunnel cost at that population. Memory per agent is the growth of resident memory since the " +
                "platform idled with no agent, divided by the agents.",
        };
        var zero = steps[0];
        var table = new ResultTable("Ramp",
            "agents", "connect rate (agents/s)", "gateway RSS MiB", "gateway KiB/agent", "silo RSS MiB", "silo KiB/agent",
            "idle CPU gateway / silo (% of a core)", "connected per ServerApi", "req/s", "p50", "p90", "p99", "errors");
        foreach (var s in steps)
        {
            var perAgent = s.Agents > 0;
            table.Add(Format.Count(s.Agents),
                perAgent ? Format.Count(s.ConnectRate) : "",
                Format.MiB(s.GatewayRss),
                perAgent ? Format.KiB((double)(s.GatewayRss - zero.GatewayRss) / s.Agents) : "",
                Format.MiB(s.SiloRss),
                perAgent ? Format.KiB((double)(s.SiloRss - zero.SiloRss) / s.Agents) : "",
                $"{s.GatewayIdleCpu * 100:0.0} / {s.SiloIdleCpu * 100:0.0}",
                perAgent ? Format.Count(s.ConnectedPerApi) : "",
                s.Requests is { } r ? Format.Count(r.RequestsPerSecond) : "",
                s.Requests is { } r50 ? Format.Micros(r50.P50) : "",
                s.Requests is { } r90 ? Format.Micros(r90.P90) : "",
                s.Requests is { } r99 ? Format.Micros(r99.P99) : "",
                s.Requests is { } re ? Format.Count(re.Errors) : "");
        }

        report.Tables.Add(table);
        var last = steps[^1];
        var first = steps.Count > 1 ? steps[1] : last;
        if (last.Agents > 0)
        {
            report.Headlines[$"gateway memory per agent at {last.Agents:#,0} agents"] = Format.KiB((double)(last.GatewayRss - zero.GatewayRss) / last.Agents) + " KiB";
            report.Headlines[$"silo memory per agent at {last.Agents:#,0} agents"] = Format.KiB((double)(last.SiloRss - zero.SiloRss) / last.Agents) + " KiB";
            var previous = steps.Count > 1 ? steps[^2].Agents : 0;
            report.Headlines[$"connect rate from {previous:#,0} to {last.Agents:#,0} agents"] = Format.Count(last.ConnectRate) + " agents/s";
            if (last.Requests is { } atLast)
            {
                report.Headlines[$"request latency at {last.Agents:#,0} agents (p50 / p99)"] = $"{Format.Micros(atLast.P50)} / {Format.Micros(atLast.P99)}";
            }
            if (last.Requests is { } lastLoad && first.Requests is { } firstLoad && first != last)
            {
                report.Ratios[$"request p50 at {last.Agents:#,0} agents / at {first.Agents:#,0}"] = lastLoad.P50 / firstLoad.P50;
                report.Ratios[$"request p99 at {last.Agents:#,0} agents / at {first.Agents:#,0}"] = lastLoad.P99 / firstLoad.P99;
            }

            report.Notes.Add(
                $"The bench process hosting the light agents grew to {Format.MiB(last.BenchRss)} MiB ({Format.KiB((double)(last.BenchRss - zero.BenchRss) / last.Agents)} KiB per simulated agent, client side). " +
                $"Tunnel streams that broke and were reopened during the run: {last.TunnelFailures}; agents whose first dial failed: {steps.Sum(s => s.DialRetries)}." +
                (last.FailureReasons.Length > 0 ? $" Last reasons: {last.FailureReasons}." : ""));
        }

        report.Data = steps;
        return report;
    }
}
