using System.Diagnostics;
using Grpc.Core;
using Plural.Bench.Platform;
using Plural.Bench.Runner;
using Plural.Protocol.Server;
using Plural.Testing.Servers;

namespace Plural.Bench.Registry;

/// <summary>Registering many agents through <c>ServerApi</c> and counting them through <c>ListAgents</c>.</summary>
public static class BenchFleet
{
    /// <summary>The database the silo keeps grain state in.</summary>
    public const string Database = "plural";

    /// <summary>A throwaway PostgreSQL server with <see cref="Database"/> created.</summary>
    public static async Task<PostgresServer> StartPostgresAsync()
    {
        var postgres = await PostgresServer.StartAsync();
        await postgres.CreateDatabaseAsync(Database);
        return postgres;
    }

    /// <summary>Silo arguments that keep grain state in <paramref name="postgres"/>.</summary>
    public static string[] SiloOnPostgres(PostgresServer postgres) =>
    [
        "--Orleans:StorageProvider=Postgres", "--Orleans:MigrateOnStart=true",
        $"--ConnectionStrings:Postgres={postgres.ConnectionString(Database)}",
    ];

    /// <summary>Transactions PostgreSQL has committed so far: the store queries, counted.</summary>
    public static Task<long> CommitsAsync(PostgresServer postgres) =>
        postgres.ScalarAsync(Database, "SELECT sum(xact_commit) FROM pg_stat_database");

    /// <summary>
    /// Registers <paramref name="count"/> agents named by <paramref name="nameOf"/>, each labelled <c>group</c> with one of 10
    /// values, <paramref name="parallel"/> in flight; returns their tokens and how many calls were retried.
    /// </summary>
    public static async Task<(string[] Tokens, int Retries)> RegisterAsync(ScenarioContext context, PlatformHost platform, int count,
        Func<int, string> nameOf, int parallel, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var tokens = new string[count];
        var done = 0;
        var retries = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
        {
            var request = new RegisterAgentRequest
            {
                Name = nameOf(i),
                Labels = { ["group"] = $"g{i % 10}" },
                Description = "benchmark",
                RequestId = Guid.NewGuid().ToString("N"),
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // A retry with the same request id gets the first answer if the first attempt got through.
                    tokens[i] = (await platform.Api.RegisterAgentAsync(request, cancellationToken: token)).Token.Token;
                    break;
                }
                catch (RpcException failure) when (attempt > 1 && failure.StatusCode == StatusCode.AlreadyExists)
                {
                    // The first attempt registered the agent but its answer was lost (a grain call that timed out on a
                    // loaded machine), and the retry was refused rather than answered; a token of its own is as good.
                    tokens[i] = (await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = request.Name, Description = "benchmark" },
                        cancellationToken: token)).Token.Token;
                    break;
                }
                catch (RpcException failure) when (attempt < 5 && failure.StatusCode is StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    if (Interlocked.Increment(ref retries) == 1)
                    {
                        context.Log($"first failed registration ({failure.Status.Detail}); gateway: {platform.Gateway.LastErrorLine}; silo: {platform.Silo.LastErrorLine}");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(attempt), token);
                }
            }

            if (Interlocked.Increment(ref done) % 10_000 == 0)
            {
                context.Log($"registered {done:#,0} in {stopwatch.Elapsed.TotalSeconds:0} s");
            }
        });
        return (tokens, retries);
    }

    /// <summary>Every page of <c>ListAgents</c> (1,000 a page), <paramref name="passes"/> times: each page's time in ms (sorted) and the agents seen.</summary>
    public static async Task<(List<double> Times, int Agents)> PagesAsync(PlatformHost platform, string selector, bool connectedOnly, int passes, CancellationToken ct)
    {
        var times = new List<double>();
        var agents = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            var request = new ListAgentsRequest { PageSize = 1000, LabelSelector = selector, ConnectedOnly = connectedOnly };
            do
            {
                var started = Stopwatch.GetTimestamp();
                var page = await platform.Api.ListAgentsAsync(request, cancellationToken: ct);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                agents += page.Agents.Count;
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
        }

        times.Sort();
        return (times, agents);
    }

    /// <summary>Waits until <c>ListAgents</c> with <c>connected_only</c> counts <paramref name="expected"/> agents or <paramref name="within"/> passed; returns the last count.</summary>
    public static async Task<int> WaitListedConnectedAsync(PlatformHost platform, int expected, TimeSpan within, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (_, listed) = await PagesAsync(platform, "", connectedOnly: true, passes: 1, ct);
            if (listed >= expected || deadline.Elapsed > within)
            {
                return listed;
            }

            await Task.Delay(500, ct);
        }
    }
}
