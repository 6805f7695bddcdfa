using Plural.Bench.Baselines;
using Plural.Bench.Load;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>
/// Scenario 1: latency percentiles and throughput of a small GET at fixed concurrency (closed loop) and at fixed
/// offered rates (open loop), through the tunnel and through each baseline to the same upstream, each point repeated
/// with the routes interleaved, with the CPU each process, the load client and the machine spent per request.
/// </summary>
public sealed class SmallGetScenario : IScenario
{
    private const string Path = "/small";
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RouteWarmup = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public string Name => "small-get";

    /// <inheritdoc />
    public string Title => "Small GET: latency and throughput through the tunnel vs direct, ssh -R and nghttpx";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("duration", OptionKind.Duration, "8s", "measured time per route and concurrency, and per route and rate"),
        new("warmup", OptionKind.Duration, "2s", "unmeasured load before each measurement"),
        new("concurrency", OptionKind.Counts, "1,16,64", "requests kept in flight (closed loop)"),
        new("rate", OptionKind.Text, "1000,4000", "requests per second offered in the open-loop runs, comma-separated, or none"),
        new("repeat", OptionKind.Count, "3", "runs of every point, the routes interleaved (A, B, C, A, B, C...)"),
        new("profile", OptionKind.Text, "plain", "plain (every hop plain text but ssh) or tls (tunnel and nghttpx over TLS)"),
        new("client", OptionKind.Text, "wrk", "closed-loop client: wrk, or own (the bench's HttpClient loop; HTTP/2 on https routes)"),
        new("routes", OptionKind.Text, RouteSet.ComparedNames, $"routes to measure, comma-separated, from {RouteSet.AllNames}"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var duration = context.Duration("duration");
        var warmup = context.Duration("warmup");
        var levels = context.Counts("concurrency");
        var rates = context.Text("rate") is "none" ? [] : context.Counts("rate");
        var repeats = context.Count("repeat");
        var profile = SecurityProfiles.Parse(context.Text("profile"));
        var clientName = context.Text("client");
        if (clientName is not ("wrk" or "own"))
        {
            throw new BenchUsageException($"--client: '{clientName}' is neither wrk nor own");
        }

        var wrk = clientName == "wrk" ? await WrkLoad.FindAsync(context, ct) : null;
        if (clientName == "wrk" && wrk is null)
        {
            context.Log("wrk is not available; using the bench's own client");
        }

        using var routes = await RouteSet.StartAsync(context, context.Text("routes"), [], profile, ct);
        // The bench's own client keeps one connection pool per route, so a measured run finds the warm-up's connections open.
        var ownClients = new Dictionary<string, HttpClient>();
        var measurements = new List<SmallGetMeasurement>();
        var fixedRate = new List<FixedRateMeasurement>();
        var idle = new List<IdleCpu>();
        foreach (var route in routes.Routes)
        {
            var components = ComponentsOf(route);
            // What the processes use with no load (timers, lease renewals, GC) is reported next to the
            // per-request figures rather than subtracted: right after load it is too unsteady to take off.
            var idleRates = await IdleCpuRatesAsync(components, IdleWindow, ct);
            idle.Add(new IdleCpu(route.Name, components.Select((c, i) => new ComponentCpu(c.Name, idleRates[i])).ToArray()));
            // A fresh gateway and agent run their first requests through the JIT; one warm-up per route
            // keeps that out of the first measured point.
            var warm = await RunClosedLoopAsync(route, Math.Min(16, levels.Max()), RouteWarmup);
            if (warm.Requests == 0)
            {
                throw new InvalidOperationException($"route {route.Name} answered none of its warm-up requests ({warm.Errors} failed); its processes said:\n" +
                    string.Join("\n", route.Components.Select(c => $"{c.Name}: {c.Output}")));
            }
        }

        // Each point is measured once per route before any is measured again, so that a slow spell of the machine
        // lands on every route rather than on one.
        for (var repeat = 1; repeat <= repeats; repeat++)
        {
            foreach (var concurrency in levels)
            {
                foreach (var route in routes.Routes)
                {
                    await RunClosedLoopAsync(route, concurrency, warmup);
                    var (result, cpu) = await MeasureAsync(route, () => RunClosedLoopAsync(route, concurrency, duration));
                    measurements.Add(new SmallGetMeasurement(route.Name, repeat, result, cpu));
                    context.Log($"{route.Name} c={concurrency} #{repeat}: {result.RequestsPerSecond:0} req/s, p50 {Format.Micros(result.P50)}, " +
                        $"p99 {Format.Micros(result.P99)}, mean {Format.Micros(result.Mean)}, errors {result.Errors}");
                }
            }

            foreach (var rate in rates)
            {
                foreach (var route in routes.Routes)
                {
                    var target = route.TargetOf(Path);
                    using var openLoop = FixedRateLoad.CreateClient(target);
                    await FixedRateLoad.RunAsync(openLoop, target.Url, rate, warmup, ct);
                    var (result, cpu) = await MeasureAsync(route, () => FixedRateLoad.RunAsync(openLoop, target.Url, rate, duration, ct));
                    fixedRate.Add(new FixedRateMeasurement(route.Name, repeat, result, cpu));
                    context.Log($"{route.Name} {rate}/s #{repeat}: {result.AchievedRate:0} req/s answered, p50 {Format.Micros(result.Latency.P50)}, " +
                        $"p99 {Format.Micros(result.Latency.P99)}, p99.9 {Format.Micros(result.Latency.P999)}, errors {result.Errors}");
                }
            }
        }

        foreach (var ownClient in ownClients.Values)
        {
            ownClient.Dispose();
        }

        var report = SmallGetReport.Build(
            new SmallGetRun(measurements, fixedRate, idle, levels, rates, repeats, profile, wrk is not null ? "wrk" : "own", duration, warmup),
            routes.Skipped);
        if (routes.ErrorSummary() is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;

        ChildProcess[] ComponentsOf(Route route) => [routes.Upstream.Process, .. route.Components];

        async Task<(T Result, PointCpu Cpu)> MeasureAsync<T>(Route route, Func<Task<T>> run)
        {
            var components = ComponentsOf(route);
            var before = CpuSnapshot.Take(components);
            var result = await run();
            return (result, before.Until(CpuSnapshot.Take(components)));
        }

        Task<LoadResult> RunClosedLoopAsync(Route route, int concurrency, TimeSpan length) => wrk is not null && !route.Http2Only
            ? WrkLoad.RunAsync(context, wrk, route.TargetOf(Path), concurrency, length, ct)
            : HttpLoad.RunAsync(OwnClientOf(route), route.UrlOf(Path), concurrency, length, ct);

        HttpClient OwnClientOf(Route route)
        {
            if (!ownClients.TryGetValue(route.Name, out var client))
            {
                ownClients[route.Name] = client = route.TargetOf(Path).CreateClient(levels.Max());
            }

            return client;
        }
    }

    private static async Task<double[]> IdleCpuRatesAsync(IReadOnlyList<ChildProcess> components, TimeSpan window, CancellationToken ct)
    {
        var before = components.Select(c => c.Sample().CpuSeconds).ToArray();
        await Task.Delay(window, ct);
        return components.Select((c, i) => (c.Sample().CpuSeconds - before[i]) / window.TotalSeconds).ToArray();
    }
}
