using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;
using Plural.Protocol.Server;

namespace Plural.Bench.Agents;

/// <summary>
/// Scenario 3: light agents ramp up against one gateway (and its silo) to the target count. At each
/// step: how fast they connected, gateway and silo memory per agent, idle CPU, and the latency of
/// requests sent to random connected agents.
/// </summary>
public sealed class AgentsScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "agents";

    /// <inheritdoc />
    public string Title => "Connected agents per gateway: memory per agent, connect rate and request latency up to 10,000 light agents";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("agents", OptionKind.Count, "10000", "light agents at the end of the ramp"),
        new("steps", OptionKind.Counts, "1000,2500,5000,10000", "agent counts at which to measure (capped at --agents, which is always measured)"),
        new("tunnels", OptionKind.CountOrZero, "2", "idle tunnel streams per agent (AgentK's default minimum; 0 as a quiet AgentK, which opens one when its gateway asks)"),
        new("connect-parallel", OptionKind.Count, "100", "agents dialling at the same time"),
        new("settle", OptionKind.Duration, "5s", "idle time before memory and idle CPU are read at each step"),
        new("request-duration", OptionKind.Duration, "10s", "request load at each step"),
        new("request-concurrency", OptionKind.Count, "16", "requests in flight at each step, each to a random agent"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var target = context.Count("agents");
        var steps = context.Counts("steps").Where(s => s < target).Append(target).Distinct().Order().ToArray();
        var tunnels = context.CountOrZero("tunnels");
        var parallel = context.Count("connect-parallel");
        var settle = context.Duration("settle");
        var requestDuration = context.Duration("request-duration");
        var requestConcurrency = context.Count("request-concurrency");
        var fileLimit = FileLimits.Raise(65_536);
        if (fileLimit > 0 && fileLimit < target + 1000)
        {
            context.Log($"warning: only {fileLimit} open files allowed; {target} agents need about {target + 1000}");
        }

        using var platform = await PlatformHost.StartAsync(context, [], ct);
        var tokens = await RegisterAsync(context, platform, target, ct);
        var answer = ByteString.CopyFrom(UpstreamServer.SmallBody);
        var agents = new List<LightAgent>(target);
        var results = new List<AgentStep>();
        try
        {
            await Task.Delay(settle, ct);
            var idle = await MeasureIdleAsync(platform, settle, ct);
            results.Add(new AgentStep(0, 0, 0, idle.Gateway, idle.Silo, idle.GatewayCpu, idle.SiloCpu, SelfRss(), null, 0, 0, ""));
            context.Log($"0 agents: gateway {Format.MiB(idle.Gateway)} MiB, silo {Format.MiB(idle.Silo)} MiB");
            foreach (var step in steps)
            {
                var stopwatch = Stopwatch.StartNew();
                var failures = await ConnectAsync(platform, tokens, agents, step, tunnels, parallel, answer, ct);
                var connectSeconds = stopwatch.Elapsed.TotalSeconds;
                var added = step - results[^1].Agents;
                context.Log($"{step} agents: connected {added} in {connectSeconds:0.0} s ({added / connectSeconds:0}/s, {failures} dial retries)");

                await Task.Delay(settle, ct);
                var measured = await MeasureIdleAsync(platform, settle, ct);
                var load = await HttpLoad.RunAsync(i => platform.ProxyUrl(agents[(int)((uint)HashCode.Combine(i, step) % (uint)agents.Count)].Name, "/small"),
                    "Bearer " + platform.AdminToken, requestConcurrency, requestDuration, ct);
                var connected = await CountConnectedAsync(platform, ct);
                results.Add(new AgentStep(step, added / connectSeconds, failures, measured.Gateway, measured.Silo,
                    measured.GatewayCpu, measured.SiloCpu, SelfRss(), load, connected, agents.Sum(a => a.TunnelFailures), FailureReasons(agents)));
                context.Log($"{step} agents: gateway {Format.MiB(measured.Gateway)} MiB, silo {Format.MiB(measured.Silo)} MiB, " +
                    $"idle CPU gateway {measured.GatewayCpu:P0} silo {measured.SiloCpu:P0}, {connected} connected per ServerApi, " +
                    $"requests p50 {Format.Micros(load.P50)} p99 {Format.Micros(load.P99)} {load.RequestsPerSecond:0}/s errors {load.Errors}");
            }
        }
        finally
        {
            context.Log($"disconnecting {agents.Count} agents");
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (agent, _) => await agent.DisposeAsync());
        }

        var report = AgentsReport.Build(results, tunnels, parallel, settle, requestDuration, requestConcurrency);
        if (PlatformHost.ErrorSummary([platform.Gateway, platform.Silo]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static async Task<List<(string Name, string Token)>> RegisterAsync(ScenarioContext context, PlatformHost platform, int count, CancellationToken ct)
    {
        var tokens = new (string, string)[count];
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            var name = $"light-{i:00000}";
            tokens[i] = (name, await platform.RegisterAgentAsync(name, token));
        });
        context.Log($"registered {count} agents in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return [.. tokens];
    }

    private static async Task<int> ConnectAsync(PlatformHost platform, List<(string Name, string Token)> tokens, List<LightAgent> agents,
        int upTo, int tunnels, int parallel, ByteString answer, CancellationToken ct)
    {
        var failures = 0;
        var start = agents.Count;
        var fresh = new LightAgent[upTo - start];
        await Parallel.ForEachAsync(Enumerable.Range(start, upTo - start), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var agent = new LightAgent(tokens[i].Name, tokens[i].Token, platform.AgentUrl, tunnels, answer);
                try
                {
                    using var bounded = CancellationTokenSource.CreateLinkedTokenSource(token);
                    bounded.CancelAfter(TimeSpan.FromSeconds(60));
                    await agent.ConnectAsync(bounded.Token);
                    fresh[i - start] = agent;
                    return;
                }
                catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException && !token.IsCancellationRequested && attempt < 5)
                {
                    Interlocked.Increment(ref failures);
                    await agent.DisposeAsync();
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
                }
            }
        });
        agents.AddRange(fresh);
        return failures;
    }

    private static async Task<(long Gateway, long Silo, double GatewayCpu, double SiloCpu)> MeasureIdleAsync(PlatformHost platform, TimeSpan window, CancellationToken ct)
    {
        var gateway = platform.Gateway.Sample();
        var silo = platform.Silo.Sample();
        await Task.Delay(window, ct);
        var gatewayAfter = platform.Gateway.Sample();
        var siloAfter = platform.Silo.Sample();
        return (gatewayAfter.RssBytes, siloAfter.RssBytes,
            (gatewayAfter.CpuSeconds - gateway.CpuSeconds) / window.TotalSeconds,
            (siloAfter.CpuSeconds - silo.CpuSeconds) / window.TotalSeconds);
    }

    private static async Task<int> CountConnectedAsync(PlatformHost platform, CancellationToken ct)
    {
        var connected = 0;
        var page = "";
        do
        {
            var response = await platform.Api.ListAgentsAsync(new ListAgentsRequest { PageSize = 1000, PageToken = page }, cancellationToken: ct);
            connected += response.Agents.Count(a => a.Status?.Connected == true);
            page = response.NextPageToken;
        }
        while (!string.IsNullOrEmpty(page));
        return connected;
    }

    private static string FailureReasons(IEnumerable<LightAgent> agents) => string.Join("; ", agents
        .Where(a => a.LastFailure is not null)
        .GroupBy(a => a.LastFailure)
        .OrderByDescending(g => g.Count())
        .Take(3)
        .Select(g => $"{g.Key} ({g.Count()} agents)"));

    private static long SelfRss() => ProcessStats.Sample(Environment.ProcessId).RssBytes;
}
