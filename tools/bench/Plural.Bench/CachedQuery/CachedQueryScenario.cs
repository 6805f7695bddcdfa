using System.Diagnostics;
using System.Globalization;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;
using Plural.Protocol.Server;

namespace Plural.Bench.CachedQuery;

/// <summary>
/// Issue 6's cached query: <c>ServerApi.QueryCluster</c> answered from the agent's informer cache through the tunnel,
/// against the same list asked of the API server directly, one query at a time.
/// </summary>
public sealed class CachedQueryScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "cached-query";

    /// <inheritdoc />
    public string Title => "Cached query: ServerApi QueryCluster from the agent's cache vs the same list on the API server";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("queries", OptionKind.Count, "250", "measured queries per query and route"),
        new("warmup", OptionKind.Count, "50", "unmeasured queries before each measurement"),
        new("pods", OptionKind.Count, "2000", "pods created in namespace bench before measuring, besides the sample workloads"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var count = context.Count("queries");
        var warmup = context.Count("warmup");
        await using var cluster = await ConnectedCluster.StartAsync(context, [], ct);
        using var direct = cluster.DirectClient();
        var pods = context.Count("pods");
        await PodSeeder.SeedAsync(cluster, direct, pods, ct);
        context.Log($"{pods} pods created and cached by the agent");
        var shapes = new QueryShape[]
        {
            new("pods of namespace shop (objects)", new ClusterQuery { Kind = "pods", Namespace = "shop" }, "/api/v1/namespaces/shop/pods"),
            new("pods labelled app=bench-3 (objects)", new ClusterQuery { Kind = "pods", LabelSelector = "app=bench-3" },
                "/api/v1/pods?labelSelector=app%3Dbench-3"),
            new("how many pods are not running (count)", new ClusterQuery { Kind = "pods", FieldSelector = "status.phase!=Running", CountOnly = true },
                "/api/v1/pods?fieldSelector=status.phase%21%3DRunning"),
            new("how many pods in all (count)", new ClusterQuery { Kind = "pods", CountOnly = true }, "/api/v1/pods"),
        };

        var measurements = new List<QueryMeasurement>();
        foreach (var shape in shapes)
        {
            var request = new QueryClusterRequest { Name = cluster.AgentName, Query = shape.Query };
            var objects = 0;
            var apiServerBefore = cluster.Emulator.Requests.Total;
            var cached = await MeasureAsync(async () => objects = (await cluster.Platform.Api.QueryClusterAsync(request, cancellationToken: ct)).Count);
            var apiServerCalls = cluster.Emulator.Requests.Total - apiServerBefore;
            var directly = await MeasureAsync(async () =>
            {
                using var response = await direct.GetAsync(shape.DirectPath, ct);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(ct);
            });
            measurements.Add(new QueryMeasurement(shape.Title, objects, cached, directly, apiServerCalls));
            context.Log($"{shape.Title} ({objects} objects): cached p50 {Ms(Percentiles.Of(cached, 50))}, direct p50 {Ms(Percentiles.Of(directly, 50))}, " +
                $"API server requests during the cached queries {apiServerCalls}");
        }

        var report = CachedQueryReport.Build(measurements, count, warmup);
        if (PlatformHost.ErrorSummary([cluster.Platform.Silo, cluster.Platform.Gateway, cluster.Agent]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;

        async Task<IReadOnlyList<double>> MeasureAsync(Func<Task> query)
        {
            for (var i = 0; i < warmup; i++)
            {
                await query();
            }

            var latencies = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await query();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            latencies.Sort();
            return latencies;
        }
    }

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private sealed record QueryShape(string Title, ClusterQuery Query, string DirectPath);
}
