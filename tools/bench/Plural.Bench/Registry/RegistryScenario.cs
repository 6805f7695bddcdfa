using System.Diagnostics;
using Google.Protobuf;
using Plural.Bench.Agents;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;
using Plural.Protocol.Agent;
using Plural.Protocol.Server;

namespace Plural.Bench.Registry;

/// <summary>
/// The agent directory at fleet size on PostgreSQL: registrations through <c>ServerApi</c>, every page of
/// <c>ListAgents</c> (1,000 a page) with and without a label selector, then light agents connected and
/// <c>QueryFleet</c> over all of them.
/// </summary>
public sealed class RegistryScenario : IScenario
{

    /// <inheritdoc />
    public string Name => "registry";

    /// <inheritdoc />
    public string Title => "Agent registry on PostgreSQL: ListAgents pages at 100,000 registrations, fleet queries over 1,000 connected agents";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("registrations", OptionKind.Count, "100000", "agents registered through ServerApi"),
        new("register-parallel", OptionKind.Count, "64", "registrations in flight"),
        new("passes", OptionKind.Count, "3", "passes over every page of ListAgents"),
        new("connected", OptionKind.Count, "1000", "light agents connected for the fleet queries"),
        new("queries", OptionKind.Count, "100", "QueryFleet calls over every connected agent, one at a time"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var registrations = context.Count("registrations");
        var parallel = context.Count("register-parallel");
        var passes = context.Count("passes");
        var connectedCount = Math.Min(context.Count("connected"), registrations);
        var queries = context.Count("queries");
        FileLimits.Raise(65_536);

        await using var postgres = await BenchFleet.StartPostgresAsync();
        using var platform = await PlatformHost.StartAsync(context, [], BenchFleet.SiloOnPostgres(postgres), ct);

        var table = new ResultTable("Registry", "measure", "count", "p50", "p99", "max", "notes");
        var report = new ScenarioReport
        {
            Method =
                "One silo process (grain state, the directory buckets included, in PostgreSQL on loopback) and one gateway process " +
                $"with production defaults. {registrations:#,0} agents registered through `ServerApi.RegisterAgent`, {parallel} in " +
                "flight, each with a label `group` of 10 values. Then every page of `ListAgents` (page size 1,000) from the first to " +
                $"the last, {passes} times, timed one page at a time at the client; the same with `label_selector: group=g3` (a tenth " +
                $"of the fleet). Then {connectedCount:#,0} light agents (the `agents` scenario's: real protocol, own connection, one " +
                "idle tunnel; they answer any request with a fixed cache query result) connect, and once `ListAgents` with " +
                $"`connected_only` counts them all, {queries} `QueryFleet` calls (`pods`, count only, no selector: every connected " +
                "agent) run one at a time. Store queries per second are PostgreSQL's committed transactions " +
                "(`pg_stat_database.xact_commit`) over the registration window.",
        };

        // Registration.
        var commitsBefore = await BenchFleet.CommitsAsync(postgres);
        var stopwatch = Stopwatch.StartNew();
        var (tokens, retries) = await BenchFleet.RegisterAsync(context, platform, registrations, NameOf, parallel, ct);
        var registerSeconds = stopwatch.Elapsed.TotalSeconds;
        var commits = await BenchFleet.CommitsAsync(postgres) - commitsBefore;
        context.Log($"registered {registrations:#,0} agents in {registerSeconds:0.0} s ({registrations / registerSeconds:0}/s), {commits / registerSeconds:0} store transactions/s");
        table.Add("RegisterAgent", Format.Count(registrations), "", "", "",
            $"{registrations / registerSeconds:0} registrations/s, {commits / registerSeconds:0} store transactions/s over {registerSeconds:0} s, {retries} retried");

        // Listing.
        var (all, listed) = await BenchFleet.PagesAsync(platform, "", connectedOnly: false, passes, ct);
        context.Log($"ListAgents: {all.Count} pages, {listed / passes} agents a pass, p50 {Millis(all, 50)} p99 {Millis(all, 99)}");
        table.Add("ListAgents page of 1,000", Format.Count(all.Count), Millis(all, 50), Millis(all, 99), Millis(all, 100),
            $"{listed / passes:#,0} agents a pass, {passes} passes");
        var (selected, selectedCount) = await BenchFleet.PagesAsync(platform, "group=g3", connectedOnly: false, passes, ct);
        table.Add("ListAgents page of 1,000, selector group=g3", Format.Count(selected.Count), Millis(selected, 50), Millis(selected, 99),
            Millis(selected, 100), $"{selectedCount / passes:#,0} agents a pass");

        // Fleet queries.
        var answer = new CacheQueryResult { Count = 1 }.ToByteString();
        var agents = new LightAgent[connectedCount];
        try
        {
            stopwatch.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, connectedCount), new ParallelOptions { MaxDegreeOfParallelism = 50, CancellationToken = ct }, async (i, token) =>
            {
                agents[i] = new LightAgent(NameOf(i), tokens[i], platform.AgentUrl, 1, answer);
                await agents[i].ConnectAsync(token);
            });
            var listedConnected = await BenchFleet.WaitListedConnectedAsync(platform, connectedCount, TimeSpan.FromMinutes(2), ct);
            context.Log($"{listedConnected} agents connected and listed in {stopwatch.Elapsed.TotalSeconds:0.0} s");
            var (connectedPages, _) = await BenchFleet.PagesAsync(platform, "", connectedOnly: true, passes * 10, ct);
            table.Add($"ListAgents connected_only ({connectedCount:#,0} of {registrations:#,0})", Format.Count(connectedPages.Count),
                Millis(connectedPages, 50), Millis(connectedPages, 99), Millis(connectedPages, 100), "");

            var times = new List<double>();
            var answered = new List<int>();
            for (var q = 0; q < queries; q++)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await platform.Api.QueryFleetAsync(new QueryFleetRequest
                {
                    Query = new ClusterQuery { Kind = "pods", CountOnly = true },
                    TimeoutMs = 10_000,
                }, cancellationToken: ct);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                answered.Add(response.Results.Count);
            }

            times.Sort();
            context.Log($"QueryFleet over {connectedCount} agents: p50 {Millis(times, 50)} p99 {Millis(times, 99)}, answers min {answered.Min()}");
            table.Add($"QueryFleet over {connectedCount:#,0} connected agents", Format.Count(times.Count), Millis(times, 50), Millis(times, 99),
                Millis(times, 100), $"answers per call: min {answered.Min():#,0}, max {answered.Max():#,0}");
            report.Headlines[$"QueryFleet over {connectedCount:#,0} connected agents (p50 / p99)"] = $"{Millis(times, 50)} / {Millis(times, 99)}";
        }
        finally
        {
            await Parallel.ForEachAsync(agents.Where(a => a is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (agent, _) => await agent.DisposeAsync());
        }

        report.Tables.Add(table);
        report.Headlines[$"ListAgents page of 1,000 at {registrations:#,0} registrations (p50 / p99)"] = $"{Millis(all, 50)} / {Millis(all, 99)}";
        report.Headlines["silo / gateway RSS at the end"] = $"{Format.MiB(platform.Silo.Sample().RssBytes)} / {Format.MiB(platform.Gateway.Sample().RssBytes)} MiB";
        if (PlatformHost.ErrorSummary([platform.Gateway, platform.Silo]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static string NameOf(int i) => $"reg-{i:000000}";

    private static string Millis(List<double> sorted, double percentile) => $"{Percentiles.Of(sorted, percentile):0.0} ms";
}
