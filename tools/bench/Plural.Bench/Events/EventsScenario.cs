using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Events;

/// <summary>
/// Scenario 4: how long a change in the cluster takes to reach <c>/cable</c> subscribers (emulator → agent informer
/// → session → gateway → Orleans stream → gateway → WebSocket) with 1, 100 and 1,000 subscribers; and a
/// kubectl-style watch through the tunnel (<c>/k8s-proxy/{agent}</c>) against the same watch directly on the API server.
/// </summary>
public sealed class EventsScenario : IScenario
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "events";

    /// <inheritdoc />
    public string Title => "Watch/event latency: cluster change to /cable subscribers, and a watch through the tunnel vs direct";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("subscribers", OptionKind.Counts, "1,100,1000", "WebSocket subscribers of the agent's ClusterEventsChannel, one run per count"),
        new("changes", OptionKind.Count, "30", "namespaces created per run, one after the other"),
        new("pause", OptionKind.Duration, "200ms", "wait between one change arriving everywhere and the next"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var levels = context.Counts("subscribers");
        var changes = context.Count("changes");
        var pause = context.Duration("pause");
        await using var cluster = await ConnectedCluster.StartAsync(context, [], ct);
        using var direct = cluster.DirectClient();
        var cable = cluster.Platform.CableUrl;

        var runs = new List<LatencyRun>();
        foreach (var level in levels)
        {
            var log = new ArrivalLog();
            await using var subscribers = await CableSubscribers.ConnectAsync(cable, cluster.AgentName, level, log, "cable-", ct);
            context.Log($"{level} subscribers connected");
            // One unmeasured change warms every path (JIT, first stream delivery to new connections).
            await ChangeAsync(log, "warm", level, level);
            log.Reset();
            var missing = 0;
            for (var i = 0; i < changes; i++)
            {
                missing += await ChangeAsync(log, $"c{level}", i, level);
            }

            var latencies = log.Latencies("cable-");
            context.Log($"{level} subscribers received {subscribers.Events} cluster events in all");
            runs.Add(new LatencyRun($"/cable, {level} subscriber{(level == 1 ? "" : "s")}", level, changes, latencies, missing, subscribers.Lost));
            context.Log($"{level} subscribers: p50 {Ms(Percentiles.Of(latencies, 50))}, p99 {Ms(Percentiles.Of(latencies, 99))}, missing {missing}");
        }

        var watchLog = new ArrivalLog();
        await using (var directWatch = await WatchStream.StartAsync(new Uri(cluster.Emulator.Url, "/api/v1/namespaces?watch=1"),
                         new AuthenticationHeaderValue("Bearer", cluster.Emulator.AdminToken), watchLog, "watch-direct", ct))
        await using (var tunnelWatch = await WatchStream.StartAsync(new Uri(cluster.Platform.HttpUrl, $"/k8s-proxy/{cluster.AgentName}/api/v1/namespaces?watch=1"),
                         cluster.Platform.AdminAuthorization, watchLog, "watch-tunnel", ct))
        {
            await ChangeAsync(watchLog, "warm", 0, 2);
            watchLog.Reset();
            var missing = 0;
            for (var i = 0; i < changes; i++)
            {
                missing += await ChangeAsync(watchLog, "w", i, 2);
            }

            runs.Add(new LatencyRun("watch, directly on the API server", 1, changes, watchLog.Latencies("watch-direct"), missing, 0));
            runs.Add(new LatencyRun("watch through the tunnel (/k8s-proxy)", 1, changes, watchLog.Latencies("watch-tunnel"), missing, 0));
        }

        var report = EventsReport.Build(runs, changes, pause);
        if (PlatformHost.ErrorSummary([cluster.Platform.Silo, cluster.Platform.Gateway, cluster.Agent]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;

        // Creates a namespace and waits until every observer saw it; returns how many did not within the timeout.
        async Task<int> ChangeAsync(ArrivalLog log, string run, int index, int observers)
        {
            var name = $"bench-{run}-{index}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            log.Made(name);
            await cluster.CreateNamespaceAsync(direct, name, ct);
            var complete = await log.WaitForAsync(name, observers, ArrivalTimeout, ct);
            if (!complete)
            {
                context.Log($"{name} reached {log.ArrivalsOf(name)} of {observers} observers within {ArrivalTimeout.TotalSeconds:0} s; agent output:\n{cluster.Agent.Output}\ngateway output:\n{cluster.Platform.Gateway.Output}");
            }

            await Task.Delay(pause, ct);
            return complete ? 0 : observers - log.ArrivalsOf(name);
        }
    }

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
