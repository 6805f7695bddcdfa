using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Events;

/// <summary>
/// A burst of changes in the cluster (10,000 namespaces in 10 s by default) watched by <c>/cable</c> subscribers of the
/// agent's <c>ClusterEventsChannel</c>: does every subscriber get every change, or a typed <c>reset</c> naming the
/// positions it missed, and how long does the platform take to catch up?
/// </summary>
public sealed class EventBurstScenario : IScenario
{
    // A subscriber still receiving is given time; one that has received nothing new for this long has what it will get.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public string Name => "event-burst";

    /// <inheritdoc />
    public string Title => "A burst of cluster changes to /cable subscribers: nothing missed, or a typed gap";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("changes", OptionKind.Count, "10000", "namespaces created in the burst"),
        new("over", OptionKind.Duration, "10s", "the span the changes are scheduled over (open loop)"),
        new("subscribers", OptionKind.Count, "100", "WebSocket subscribers of the agent's ClusterEventsChannel"),
        new("writers", OptionKind.Count, "8", "concurrent writers making the changes"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var changes = context.Count("changes");
        var over = context.Duration("over");
        var subscriberCount = context.Count("subscribers");
        await using var cluster = await ConnectedCluster.StartAsync(context, [], ct);
        using var direct = cluster.DirectClient();
        var cable = cluster.Platform.CableUrl;
        var log = new ArrivalLog();
        await using var subscribers = await CableSubscribers.ConnectAsync(cable, cluster.AgentName, subscriberCount, log, "burst-", ct);
        context.Log($"{subscriberCount} subscribers connected; making {changes} changes over {over.TotalSeconds:0.#} s");

        (string Name, Func<double> Cpu)[] processes =
        [
            ("gateway", () => cluster.Platform.Gateway.Sample().CpuSeconds),
            ("silo", () => cluster.Platform.Silo.Sample().CpuSeconds),
            ("agent", () => cluster.Agent.Sample().CpuSeconds),
            ("bench (emulator and subscribers)", () => ProcessStats.Sample(Environment.ProcessId).CpuSeconds),
        ];
        var cpuBefore = processes.Select(p => p.Cpu()).ToArray();
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var clock = Stopwatch.StartNew();
        var made = await ChangeBurst.MakeAsync(changes, over, context.Count("writers"), async (i, token) =>
        {
            var name = $"burst-{run}-{i}";
            log.Made(name);
            await cluster.CreateNamespaceAsync(direct, name, token);
        }, ct);
        context.Log($"{changes} changes made in {made.TotalSeconds:0.0} s; waiting for every subscriber");

        var expected = (long)changes * subscriberCount;
        var settled = await SettleAsync(log, expected, clock, ct);
        var cpu = processes.Select((p, i) => new ComponentCpu(p.Name, p.Cpu() - cpuBefore[i])).ToArray();
        var latencies = log.Latencies("burst-");
        var result = new BurstRun(subscriberCount, changes, over, made, settled, latencies, expected - latencies.Count,
            subscribers.Resets, subscribers.SubscribersReset, subscribers.Lost, cpu);
        context.Log($"delivered {latencies.Count} of {expected}, {result.Resets} resets, settled after {settled.TotalSeconds:0.0} s, " +
                    $"p50 {Percentiles.Of(latencies, 50):0} ms, p99 {Percentiles.Of(latencies, 99):0} ms");

        var report = EventBurstReport.Build(result);
        if (PlatformHost.ErrorSummary([cluster.Platform.Silo, cluster.Platform.Gateway, cluster.Agent]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    // Waits until every arrival is in, or nothing new arrived for a while; returns the time of the last arrival seen.
    private static async Task<TimeSpan> SettleAsync(ArrivalLog log, long expected, Stopwatch clock, CancellationToken ct)
    {
        var (seen, lastProgress) = (log.TotalArrivals, clock.Elapsed);
        while (seen < expected && clock.Elapsed - lastProgress < Quiet && clock.Elapsed < Longest)
        {
            await Task.Delay(100, ct);
            if (log.TotalArrivals != seen)
            {
                (seen, lastProgress) = (log.TotalArrivals, clock.Elapsed);
            }
        }

        return lastProgress;
    }

    internal static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
