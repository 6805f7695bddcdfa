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
        // What a CPU profile of both processes under this load ranked (tools/bench/profile-tunnel.sh); the counts are
        // the runtime's own, per request, at 16 in flight.
        text.AppendLine("**Where the CPU goes** (a profile of the gateway and the agent under this load, `results/2026-12-06-tunnel-profile.md`, " +
            "taken with `tools/bench/profile-tunnel.sh`):").AppendLine();
        text.AppendLine("1. *Handing each request between threads*, about half: the kernel parking and waking thread-pool threads, the thread pool, " +
            "and async state machines (6.1 thread-pool work items per request on the gateway, 4.7 on the agent).");
        text.AppendLine("2. *The network stacks*, about a quarter: the kernel's TCP, sockets, Kestrel on the gateway, HttpClient on the agent, gRPC and protobuf.");
        text.AppendLine("3. *The platform's own code*, 4–6 %; and about 9 KB allocated per request on each side.");
        if (poolHelps || pool is null)
        {
            text.AppendLine("4. *A pool that grows ahead of demand.* With 2 idle streams (AgentK's default) a burst waits for streams being opened; the pool should grow towards recent peak concurrency and shrink slowly.");
        }

        return text.ToString().TrimEnd();
    }

    private static string RouteSetPoolNote() => $"{Baselines.RouteSet.PoolMinIdle} idle streams kept open by the agent";
}
