using Plural.Bench.Baselines;
using Plural.Bench.Load;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.SmallGet;

/// <summary>
/// Scenario 1: latency percentiles and throughput of a small GET at fixed concurrency, through the
/// tunnel and through each baseline to the same upstream, with the CPU each process spent per request.
/// </summary>
public sealed class SmallGetScenario : IScenario
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RouteWarmup = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public string Name => "small-get";

    /// <inheritdoc />
    public string Title => "Small GET: latency and throughput through the tunnel vs direct, ssh -R and nghttpx";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("duration", OptionKind.Duration, "8s", "measured time per route and concurrency"),
        new("warmup", OptionKind.Duration, "2s", "unmeasured load before each measurement"),
        new("concurrency", OptionKind.Counts, "1,16,64", "requests kept in flight"),
        new("client", OptionKind.Text, "wrk", "load client: wrk, or own (the bench's HttpClient loop)"),
        new("routes", OptionKind.Text, RouteSet.AllNames, "routes to measure, comma-separated"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var duration = context.Duration("duration");
        var warmup = context.Duration("warmup");
        var levels = context.Counts("concurrency");
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

        using var routes = await RouteSet.StartAsync(context, context.Text("routes"), [], ct);
        var measurements = new List<SmallGetMeasurement>();
        var idle = new List<IdleCpu>();
        foreach (var route in routes.Routes)
        {
            var components = new[] { routes.Upstream.Process }.Concat(route.Components).ToArray();
            // Idle processes still use CPU (timers, lease renewals, GC); that rate is taken off so the
            // figures are the cost of the requests themselves.
            // What the processes use with no load (timers, lease renewals, GC) is reported next to the
            // per-request figures rather than subtracted: right after load it is too unsteady to take off.
            var idleRates = await IdleCpuRatesAsync(components, IdleWindow, ct);
            idle.Add(new IdleCpu(route.Name, components.Select((c, i) => new ComponentCpu(c.Name, idleRates[i])).ToArray()));
            // A fresh gateway and agent run their first requests through the JIT; one warm-up per route
            // keeps that out of the first measured point.
            var warmUrl = route.UrlOf("/small");
            var warmConcurrency = Math.Min(16, levels.Max());
            await (wrk is not null
                ? WrkLoad.RunAsync(context, wrk, warmUrl, route.Authorization, warmConcurrency, RouteWarmup, ct)
                : HttpLoad.RunAsync(_ => warmUrl, route.Authorization, warmConcurrency, RouteWarmup, ct));
            foreach (var concurrency in levels)
            {
                var url = route.UrlOf("/small");
                await RunLoadAsync(url, concurrency, warmup);
                var before = components.Select(c => c.Sample().CpuSeconds).ToArray();
                var result = await RunLoadAsync(url, concurrency, duration);
                var cpu = components.Select((c, i) => new ComponentCpu(c.Name, c.Sample().CpuSeconds - before[i])).ToArray();
                measurements.Add(new SmallGetMeasurement(route.Name, result, cpu));
                context.Log($"{route.Name} c={concurrency}: {result.RequestsPerSecond:0} req/s, p50 {Format.Micros(result.P50)}, p99 {Format.Micros(result.P99)}, errors {result.Errors}");

                Task<LoadResult> RunLoadAsync(Uri target, int c, TimeSpan length) => wrk is not null
                    ? WrkLoad.RunAsync(context, wrk, target, route.Authorization, c, length, ct)
                    : HttpLoad.RunAsync(_ => target, route.Authorization, c, length, ct);
            }
        }

        var report = SmallGetReport.Build(measurements, idle, levels, routes.Skipped, wrk is not null ? "wrk" : "own", duration, warmup);
        if (routes.ErrorSummary() is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static async Task<double[]> IdleCpuRatesAsync(IReadOnlyList<ChildProcess> components, TimeSpan window, CancellationToken ct)
    {
        var before = components.Select(c => c.Sample().CpuSeconds).ToArray();
        await Task.Delay(window, ct);
        return components.Select((c, i) => (c.Sample().CpuSeconds - before[i]) / window.TotalSeconds).ToArray();
    }
}
