using System.Diagnostics;
using System.Text.Json;
using Plural.Bench.GitPolling;
using Plural.Bench.Platform;
using Plural.Bench.Runner;
using Plural.Protocol.Server;

namespace Plural.Bench.GitOpsLatency;

/// <summary>
/// Commit-to-applied latency of GitOps: a commit that changes one manifest, until the changed object is in the cluster
/// the agent applies to, once with <c>ServerApi.NotifyGitPush</c> right after the push and once waiting for the
/// repository poller's next check.
/// </summary>
public sealed class GitOpsLatencyScenario : IScenario
{
    private const string Agent = "gitops-latency";

    /// <inheritdoc />
    public string Name => "gitops-latency";

    /// <inheritdoc />
    public string Title => "GitOps: commit-to-applied latency, with NotifyGitPush and by polling";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("commits", OptionKind.Count, "20", "commits measured per route (NotifyGitPush, polling), one at a time"),
        new("interval", OptionKind.Duration, "5s", "the silo's Git:PollInterval"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var commits = context.Count("commits");
        var interval = context.Duration("interval");
        var root = Directory.CreateDirectory(Path.Combine(context.ScratchDirectory, "repos")).FullName;
        using var server = await GitServer.StartAsync(context, root, ct);
        await using var cluster = await ConnectedCluster.StartAsync(context, ["--Agent:GitOps:InventoryNamespace=default"],
            [$"--Git:PollInterval={interval:c}", $"--Git:CacheDirectory={Path.Combine(context.ScratchDirectory, "silo-cache")}"], ct);
        var repository = ManifestRepository.Create(context.ScratchDirectory, root, "fleet", cluster.AgentName);
        var url = server.RepositoryUrl("fleet");
        using var direct = cluster.DirectClient();
        await cluster.Platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = cluster.AgentName, Repository = url }, cancellationToken: ct);
        await WaitForGenerationAsync(direct, 0, TimeSpan.FromMinutes(2), ct);
        context.Log($"agent {cluster.AgentName} applied generation 0 from {url}");

        var notified = new List<double>();
        var answers = new List<double>();
        for (var generation = 1; generation <= commits; generation++)
        {
            repository.Push(generation);
            var pushed = Stopwatch.GetTimestamp();
            await cluster.Platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = url }, cancellationToken: ct);
            answers.Add(Stopwatch.GetElapsedTime(pushed).TotalMilliseconds);
            await WaitForGenerationAsync(direct, generation, TimeSpan.FromMinutes(1), ct);
            notified.Add(Stopwatch.GetElapsedTime(pushed).TotalMilliseconds);
        }

        context.Log($"with NotifyGitPush: {commits} commits applied");
        var polled = new List<double>();
        for (var generation = commits + 1; generation <= 2 * commits; generation++)
        {
            // A random moment within the poll period, as pushes come.
            await Task.Delay(interval * Random.Shared.NextDouble(), ct);
            repository.Push(generation);
            var pushed = Stopwatch.GetTimestamp();
            await WaitForGenerationAsync(direct, generation, interval * 4 + TimeSpan.FromMinutes(1), ct);
            polled.Add(Stopwatch.GetElapsedTime(pushed).TotalMilliseconds);
        }

        context.Log($"by polling: {commits} commits applied");
        var report = GitOpsLatencyReport.Build(interval, notified, answers, polled);
        if (PlatformHost.ErrorSummary([cluster.Platform.Silo, cluster.Platform.Gateway, cluster.Agent, server.Process]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    // Polled every 10 ms on the API server directly, as a user watching the cluster would see it.
    private static async Task WaitForGenerationAsync(HttpClient direct, int generation, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var wanted = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            using var response = await direct.GetAsync($"/api/v1/namespaces/default/configmaps/{ManifestRepository.Probe}", ct);
            if (response.IsSuccessStatusCode)
            {
                using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
                if (body.RootElement.GetProperty("data").GetProperty("generation").GetString() == wanted)
                {
                    return;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"generation {generation} was not applied within {timeout}");
            }

            await Task.Delay(10, ct);
        }
    }
}
