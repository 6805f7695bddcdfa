using System.Globalization;
using Plural.Bench.Reporting;

namespace Plural.Bench.SmallGet;

/// <summary>The "where the time goes" paragraph of the small-GET report, read from one run per point (the median one).</summary>
public static class WhereTimeGoes
{
    /// <summary>
    /// When the tunnel is over 2× direct latency or under half its throughput, explains from the CPU
    /// counters where the time goes and what would change it.
    /// </summary>
    public static string? Explain(IReadOnlyList<SmallGetMeasurement> measurements)
    {
        var pairs = measurements.Where(m => m.Route == "tunnel")
            .Select(t => (Tunnel: t, Direct: measurements.FirstOrDefault(d => d.Route == "direct" && d.Load.Concurrency == t.Load.Concurrency)))
            .Where(p => p.Direct is not null)
            .ToList();
        if (pairs.Count == 0)
        {
            return null;
        }

        // The highest concurrency has the most samples and the warmest processes.
        var (tunnel, direct) = pairs.MaxBy(p => p.Tunnel.Load.Concurrency);
        var latency = tunnel.Load.P50 / direct!.Load.P50;
        var throughput = tunnel.Load.RequestsPerSecond / direct.Load.RequestsPerSecond;
        if (latency <= 2 && throughput >= 0.5)
        {
            return null;
        }

        var level = tunnel.Load.Concurrency;
        string PerRequest(SmallGetMeasurement m) => string.Join(", ", m.Cpu.Processes.Select(c => $"{c.Component} {c.Seconds * 1e6 / Math.Max(1, m.Load.Requests):0}"));
        double Total(SmallGetMeasurement m) => m.Cpu.RouteSeconds * 1e6 / Math.Max(1, m.Load.Requests);
        var ssh = measurements.FirstOrDefault(m => m.Route == "ssh -R" && m.Load.Concurrency == level);
        var pool = measurements.FirstOrDefault(m => m.Route.StartsWith("tunnel, ", StringComparison.Ordinal) && m.Load.Concurrency == level);
        var tunnelCpu = tunnel.Cpu.Processes.Where(c => c.Component is "gateway" or "agent").Sum(c => c.Seconds) * 1e6 / Math.Max(1, tunnel.Load.Requests);
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**Where the time goes.** At concurrency {level} the tunnel's median latency is {Format.Ratio(latency)} direct's and its throughput {Format.Ratio(throughput)}. ");
        text.Append(CultureInfo.InvariantCulture, $"CPU per request, in µs: tunnel {PerRequest(tunnel)} (total {Total(tunnel):0}); direct {PerRequest(direct)} (total {Total(direct):0})");
        text.Append(ssh is null ? ". " : string.Create(CultureInfo.InvariantCulture, $"; ssh -R {PerRequest(ssh)} (total {Total(ssh):0}). "));
        text.Append(CultureInfo.InvariantCulture, $"The gateway and the agent together spend {tunnelCpu:0} µs of CPU on every request, so on {Environment.ProcessorCount} cores shared with the client and the upstream the tunnel cannot go much beyond {Environment.ProcessorCount * 1e6 / Total(tunnel):0} requests/s: ");
        text.Append("the gap is CPU work per request in the two .NET processes, not the network. ");
        var poolHelps = pool is not null && pool.Load.P50 < 0.8 * tunnel.Load.P50;
        if (pool is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"With {RouteSetPoolNote()} the p50 at concurrency {level} is {Format.Micros(pool.Load.P50)} instead of {Format.Micros(tunnel.Load.P50)} and throughput {Format.Count(pool.Load.RequestsPerSecond)}/s instead of {Format.Count(tunnel.Load.RequestsPerSecond)}/s");
            text.Append(poolHelps ? ": waiting for streams to be opened is part of the cost. " : ": waiting for idle streams is not where the time goes. ");
        }

        var siloPerRequest = tunnel.Cpu.Processes.Where(c => c.Component == "silo").Sum(c => c.Seconds) * 1e6 / Math.Max(1, tunnel.Load.Requests);
        if (siloPerRequest > 20)
        {
            text.Append(CultureInfo.InvariantCulture, $"The silo spends {siloPerRequest:0} µs per request although no byte passes through it");
            text.Append(pool is null ? ": " : string.Create(CultureInfo.InvariantCulture, $" ({pool.Cpu.Processes.Where(c => c.Component == "silo").Sum(c => c.Seconds) * 1e6 / Math.Max(1, pool.Load.Requests):0} µs with the larger pool): "));
            text.Append("a request that finds no idle stream of its agent on the gateway asks `IAgentGrain` where the agent is connected (docs/design.md, one hop between gateways), so a pool that runs dry puts a grain call on the request path. ");
        }

        text.AppendLine().AppendLine();
        // Streams are reused and bodies wrap pooled buffers since results/2026-12-06-tunnel-hotpath.md; what that file counts as
        // left on the path is listed here, in the order the counts suggest, until a profile of gateway and agent ranks it.
        text.AppendLine("**What is left on the path** (per-request counts in `results/2026-12-06-tunnel-hotpath.md`; a CPU profile of the gateway and the agent under load ranks them):").AppendLine();
        text.AppendLine("1. *The protobuf head each way.* Request and response heads carry their headers as `HeaderField` lists, built from and parsed into the HTTP stacks' header collections on both sides.");
        text.AppendLine("2. *Two HTTP stacks per hop.* The caller's Kestrel request on the gateway and the agent's `HttpClient` request to the upstream, each with its own header validation and buffers, where a proxy in C passes bytes through.");
        if (poolHelps || pool is null)
        {
            text.AppendLine("3. *A pool that grows ahead of demand.* With 2 idle streams (AgentK's default) a burst waits for streams being opened; the pool should grow towards recent peak concurrency and shrink slowly.");
        }

        return text.ToString().TrimEnd();
    }

    private static string RouteSetPoolNote() => $"{Baselines.RouteSet.PoolMinIdle} idle streams kept open by the agent";
}
