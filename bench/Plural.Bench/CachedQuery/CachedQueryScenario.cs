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
        new("queries", OptionKind.Count, "500", "measured queries per query and route"),
        new("warmup", OptionKind.Count, "50", "unmeasured queries before each measurement"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var count = context.Count("queries");
        var warmup = context.Count("warmup");
        await using var cluster = await EmulatedCluster.StartAsync(context, [], ct);
        using var direct = cluster.DirectClient();
        var shapes = new QueryShape[]
        {
            new("pods, all namespaces", new ClusterQuery { Kind = "pods" }, "/api/v1/pods"),
            new("running pods (field selector)", new ClusterQuery { Kind = "pods", FieldSelector = "status.phase=Running" },
                "/api/v1/pods?fieldSelector=status.phase%3DRunning"),
            new("count of deployments", new ClusterQuery { Kind = "deployments", CountOnly = true }, "/apis/apps/v1/deployments"),
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
