using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Registry;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;
using Plural.Protocol.Agent;
using Plural.Testing.Servers;

namespace Plural.Bench.Storm;

/// <summary>
/// A gateway restart under 10,000 connected light agents on PostgreSQL: how long until every agent is back (as the
/// agents see it, and as <c>ListAgents</c> says), and what the reconnect storm cost the silo and the store per second.
/// </summary>
public sealed class ReconnectStormScenario : IScenario
{
    private const string GrainRequests = "orleans_messaging_processing_dispatcher_received_total";

    /// <inheritdoc />
    public string Name => "reconnect-storm";

    /// <inheritdoc />
    public string Title => "Gateway restart under 10,000 light agents: time until all are back, peak grain requests and store transactions per second";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("agents", OptionKind.Count, "10000", "light agents connected before the restart"),
        new("tunnels", OptionKind.CountOrZero, "2", "idle tunnel streams per agent (AgentK's Agent:Tunnels:MinIdle once connected; 0 for agents quiet for a minute, Agent:Tunnels:QuietMinIdle, whose gateway asks for a stream when a request comes)"),
        new("connect-parallel", OptionKind.Count, "100", "agents dialling at the same time before the restart"),
        new("settle", OptionKind.Duration, "10s", "idle time before memory is read"),
        new("deadline", OptionKind.Duration, "180s", "longest wait for every agent to be back"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var count = context.Count("agents");
        var tunnels = context.CountOrZero("tunnels");
        var parallel = context.Count("connect-parallel");
        var settle = context.Duration("settle");
        var deadline = context.Duration("deadline");
        FileLimits.Raise(65_536);

        await using var postgres = await BenchFleet.StartPostgresAsync();
        using var platform = await PlatformHost.StartAsync(context, [], BenchFleet.SiloOnPostgres(postgres), ct);
        var (tokens, _) = await BenchFleet.RegisterAsync(context, platform, count, i => $"storm-{i:00000}", 64, ct);
        context.Log($"registered {count:#,0} agents");

        await Task.Delay(settle, ct);
        var idleRss = platform.Gateway.Sample().RssBytes;
        var answer = new CacheQueryResult { Count = 1 }.ToByteString();
        var agents = Enumerable.Range(0, count).Select(i => new ReconnectingAgent($"storm-{i:00000}", tokens[i], platform.AgentUrl, tunnels, answer)).ToArray();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (a, token) => await a.StartAsync(token));
            context.Log($"{count:#,0} agents connected in {stopwatch.Elapsed.TotalSeconds:0.0} s");
            var listedBefore = await BenchFleet.WaitListedConnectedAsync(platform, count, deadline, ct);
            await Task.Delay(settle, ct);
            var connectedRss = platform.Gateway.Sample().RssBytes;
            var perAgentKiB = (connectedRss - idleRss) / 1024.0 / count;
            context.Log($"gateway RSS {Format.MiB(idleRss)} MiB idle, {Format.MiB(connectedRss)} MiB with {count:#,0} agents: {perAgentKiB:0.0} KiB per agent");

            // The storm: sampled every second from the kill until every agent is back and listed.
            var samples = new List<StormSample>();
            var siloCpuBefore = platform.Silo.Sample().CpuSeconds;
            var dialsBefore = agents.Sum(a => a.Dials);
            var clock = Stopwatch.StartNew();
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = SampleAsync(platform, postgres, http, agents, clock, samples, sampling.Token);
            await platform.RestartGatewayAsync(deadline, ct);
            var ready = clock.Elapsed;
            context.Log($"gateway killed and ready again after {ready.TotalSeconds:0.0} s");
            TimeSpan? allBack = null, allListed = null;
            while (clock.Elapsed < deadline && allListed is null)
            {
                if (allBack is null && agents.All(a => a.Connected))
                {
                    allBack = clock.Elapsed;
                    context.Log($"every agent back after {allBack.Value.TotalSeconds:0.0} s");
                }

                if (allBack is not null && (await BenchFleet.PagesAsync(platform, "", connectedOnly: true, passes: 1, ct)).Agents >= count)
                {
                    allListed = clock.Elapsed;
                }

                await Task.Delay(500, ct);
            }

            await sampling.CancelAsync();
            await sampler;
            var siloCpu = platform.Silo.Sample().CpuSeconds - siloCpuBefore;
            var dials = agents.Sum(a => a.Dials) - dialsBefore;
            var backNow = agents.Count(a => a.Connected);
            return Report(count, tunnels, parallel, idleRss, connectedRss, listedBefore, ready, allBack, allListed, backNow, dials, siloCpu, samples, platform, deadline);
        }
        finally
        {
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (agent, _) => await agent.DisposeAsync());
        }
    }

    private static async Task SampleAsync(PlatformHost platform, PostgresServer postgres, HttpClient http, ReconnectingAgent[] agents,
        Stopwatch clock, List<StormSample> samples, CancellationToken ct)
    {
        (double Requests, long Commits, TimeSpan At)? last = null;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                double nowRequests;
                long nowCommits;
                try
                {
                    nowRequests = await GrainRequestsAsync(platform, http);
                    nowCommits = await BenchFleet.CommitsAsync(postgres);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // A busy store or silo may not answer a scrape within its timeout, the first one included; the
                    // next sample covers the gap.
                    continue;
                }

                var now = clock.Elapsed;
                if (last is { } previous && (now - previous.At).TotalSeconds < 0.9)
                {
                    // A tick that came at once after a slow scrape: the two counters were read by the silo and the store
                    // at moments the bench does not know, so a rate over so short a span is mostly that skew. The next
                    // tick measures the whole span.
                    continue;
                }

                if (last is { } before)
                {
                    var seconds = (now - before.At).TotalSeconds;
                    samples.Add(new StormSample(now.TotalSeconds, agents.Count(a => a.Connected),
                        (nowRequests - before.Requests) / seconds, (long)((nowCommits - before.Commits) / seconds)));
                }

                last = (nowRequests, nowCommits, now);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Grain requests the silo has dispatched since it started, from its Prometheus scrape.</summary>
    private static async Task<double> GrainRequestsAsync(PlatformHost platform, HttpClient http)
    {
        var text = await http.GetStringAsync(new Uri(platform.SiloUrl, "/metrics"));
        return text.Split('\n')
            .Where(l => l.StartsWith(GrainRequests, StringComparison.Ordinal) && l.Contains("Direction=\"Request\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static ScenarioReport Report(int count, int tunnels, int parallel, long idleRss, long connectedRss, int listedBefore, TimeSpan ready,
        TimeSpan? allBack, TimeSpan? allListed, int backNow, int dials, double siloCpu, List<StormSample> samples, PlatformHost platform, TimeSpan deadline)
    {
        var report = new ScenarioReport
        {
            Method =
                $"One silo process (grain state in PostgreSQL on loopback) and one gateway process with production defaults. {count:#,0} agents " +
                $"registered through `ServerApi`, then as many light agents (the `agents` scenario's: real protocol, own HTTP/2 connection, " +
                $"session and {tunnels} idle tunnels) connected, {parallel} dialling at a time. Each dials again when its session ends, with " +
                "AgentK's default backoff (`Agent:Reconnect`: 1 s, x1.6 after each failure, at most 20 s, up to 20 % added at random). " +
                "Gateway memory per agent is the growth of its resident memory from before the agents connected to after, divided by the " +
                "agents. Then the gateway is killed (SIGKILL, no drain) and started again on the same ports; times count from the kill. " +
                "Every second (a span shorter than 0.9 s, after a slow scrape, is merged into the next) the bench counts the agents with an open session and announced tunnels, the grain requests the silo " +
                $"dispatched (`{GrainRequests}`, Direction=Request, from its `/metrics`) and PostgreSQL's committed transactions " +
                "(`pg_stat_database.xact_commit`): the store queries per second.",
        };
        var table = new ResultTable("Reconnect storm", "measure", "value");
        table.Add("agents connected before the restart (per ListAgents connected_only)", $"{count:#,0} ({listedBefore:#,0})");
        table.Add("gateway RSS idle / with the agents", $"{Format.MiB(idleRss)} / {Format.MiB(connectedRss)} MiB");
        table.Add("gateway memory per agent", $"{(connectedRss - idleRss) / 1024.0 / count:0.0} KiB");
        table.Add("gateway killed to ready again", $"{ready.TotalSeconds:0.0} s");
        table.Add("killed to every agent back (agents' view)", allBack is { } b ? $"{b.TotalSeconds:0.0} s" : $"not within {deadline.TotalSeconds:0} s ({backNow:#,0} back)");
        table.Add("killed to every agent listed connected (ListAgents connected_only)", allListed is { } l ? $"{l.TotalSeconds:0.0} s" : $"not within {deadline.TotalSeconds:0} s");
        table.Add("dials during the storm", Format.Count(dials));
        table.Add("peak grain requests per second (silo)", Format.Count(samples.Count > 0 ? samples.Max(s => s.GrainRequests) : 0));
        table.Add("peak store transactions per second (PostgreSQL)", Format.Count(samples.Count > 0 ? samples.Max(s => s.StoreTransactions) : 0));
        table.Add("silo CPU during the storm", $"{siloCpu:0.0} s over {(samples.Count > 0 ? samples[^1].AtSeconds : 0):0} s");
        report.Tables.Add(table);
        var seconds = new ResultTable("Second by second", "s", "agents back", "grain requests", "store transactions");
        foreach (var s in samples)
        {
            seconds.Add($"{s.AtSeconds:0}", Format.Count(s.Connected), Format.Count(s.GrainRequests), Format.Count(s.StoreTransactions));
        }

        report.Tables.Add(seconds);
        report.Headlines[$"gateway restart with {count:#,0} agents: all back after"] = allBack is { } back ? $"{back.TotalSeconds:0.0} s" : "not within the deadline";
        report.Headlines[$"gateway memory per agent at {count:#,0} agents"] = $"{(connectedRss - idleRss) / 1024.0 / count:0.0} KiB";
        report.Headlines["peak grain requests / store transactions per second"] =
            $"{Format.Count(samples.Count > 0 ? samples.Max(s => s.GrainRequests) : 0)} / {Format.Count(samples.Count > 0 ? samples.Max(s => s.StoreTransactions) : 0)}";
        if (PlatformHost.ErrorSummary([platform.Gateway, platform.Silo]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }
}
