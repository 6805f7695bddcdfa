using System.Diagnostics;
using System.Globalization;
using Plural.Bench.Platform;
using Plural.Bench.Runner;
using Plural.Protocol.Server;

namespace Plural.Bench.GitPolling;

/// <summary>
/// Issue 10's Git polling: what the silo's <c>RepositoryPollerGrain</c>s cost while the repositories they watch do not
/// change, against a loop of <c>git ls-remote</c> over the same repositories on the same server, and how long a pushed
/// commit takes to be noticed, by polling and with <c>ServerApi.NotifyGitPush</c>.
/// </summary>
public sealed class GitPollingScenario : IScenario
{
    private const int SetupParallelism = 8;
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "git-polling";

    /// <inheritdoc />
    public string Title => "Git polling: repository pollers on unchanged repositories vs a git ls-remote loop, and commit-to-notice latency";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("repos", OptionKind.Count, "1000", "repositories, each the configuration source of its own agent and so watched by its own poller"),
        new("interval", OptionKind.Duration, "30s", "the silo's Git:PollInterval (1,000 repositories every 10 s saturate a shared 2-core machine)"),
        new("rounds", OptionKind.Count, "2", "poll rounds measured: the window ends after repos x rounds ref checks; the ls-remote loop runs as many"),
        new("pushes", OptionKind.Count, "3", "repositories pushed to for the commit-to-notice latency, once by polling and once with NotifyGitPush"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var count = context.Count("repos");
        var interval = context.Duration("interval");
        var rounds = context.Count("rounds");
        var pushes = Math.Min(context.Count("pushes"), count);
        var checks = count * rounds;
        var agents = Enumerable.Range(0, count).Select(i => $"poll-{i:D5}").ToList();
        var repositoryNames = Enumerable.Range(0, count).Select(i => i < pushes ? $"push-{i}" : $"r-{i:D5}").ToList();

        var started = Stopwatch.GetTimestamp();
        var repositories = GitRepositories.Create(context.ScratchDirectory, agents, repositoryNames.Skip(pushes), repositoryNames.Take(pushes));
        var seedCommit = repositories.SeedCommit();
        context.Log($"{count} repositories created in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({pushes} of their own, the rest links to one seed)");
        using var server = await GitServer.StartAsync(context, repositories.Root, ct);
        var urls = repositoryNames.Select(server.RepositoryUrl).ToList();

        // The baseline first, while nothing else talks to the server.
        var lsRemote = await LsRemoteBaseline.RunAsync(server, urls, seedCommit, checks, ct);
        context.Log($"git ls-remote: {checks} checks in {lsRemote.Elapsed.TotalSeconds:0.0} s, {lsRemote.ClientMsPerCheck:0.00} ms CPU per check, " +
            $"{lsRemote.BackendMsPerCheck:0.00} ms http-backend CPU per check");

        using var platform = await PlatformHost.StartAsync(context, [],
        [
            $"--Git:PollInterval={interval:c}",
            $"--Git:CacheDirectory={Path.Combine(context.ScratchDirectory, "silo-cache")}",
        ], ct);
        // The silo's own CPU without pollers (membership, reminders, runtime), to tell it apart from what the pollers add.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var idleBefore = platform.Silo.Sample().CpuSeconds;
        var idleStarted = Stopwatch.GetTimestamp();
        await Task.Delay(IdleWindow, ct);
        var idleCpuPerSecond = (platform.Silo.Sample().CpuSeconds - idleBefore) / Stopwatch.GetElapsedTime(idleStarted).TotalSeconds;
        context.Log($"silo without pollers: {idleCpuPerSecond * 100:0.0} % of a core");

        started = Stopwatch.GetTimestamp();
        var failures = await WatchAllAsync(context, platform, agents, urls, seedCommit, ct);
        var setup = Stopwatch.GetElapsedTime(started);
        context.Log($"{count} agents registered with their configuration source in {setup.TotalSeconds:0.0} s ({failures.Count} failed)");

        // Let the first polls' fetches and the configuration evaluations finish before measuring.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var window = await MeasureWindowAsync(context, platform, server, checks, interval, rounds, ct);
        context.Log($"pollers: {window.Poller.Checks} checks in {window.Poller.Elapsed.TotalSeconds:0.0} s, {window.Poller.ClientMsPerCheck:0.00} ms silo CPU per check, " +
            $"{window.Poller.Requests.PackRequests} pack requests");

        var polled = await PolledLatencyAsync(platform, repositories, agents, repositoryNames, pushes, ct);
        context.Log($"commit-to-notice by polling: {string.Join(", ", polled.Select(l => $"{l:0} ms"))}");
        var notified = await NotifiedLatencyAsync(platform, repositories, agents, repositoryNames, urls, pushes, ct);
        context.Log($"commit-to-notice with NotifyGitPush: {string.Join(", ", notified.Select(l => $"{l:0} ms"))}");

        var report = GitPollingReport.Build(new GitPollingResult(count, interval, rounds, setup, failures, lsRemote, window, idleCpuPerSecond, polled, notified));
        if (PlatformHost.ErrorSummary([platform.Silo, platform.Gateway, server.Process]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static async Task<List<string>> WatchAllAsync(ScenarioContext context, PlatformHost platform, IReadOnlyList<string> agents, IReadOnlyList<string> urls,
        string seedCommit, CancellationToken ct)
    {
        var failures = new List<string>();
        var next = -1;
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        using var progress = new Timer(_ => context.Log($"  {Volatile.Read(ref done)} of {agents.Count} sources set after " +
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        await Task.WhenAll(Enumerable.Range(0, SetupParallelism).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < agents.Count)
            {
                await platform.RegisterAgentAsync(agents[i], ct);
                AgentConfigInfo info;
                try
                {
                    info = await platform.Api.SetAgentConfigSourceAsync(
                        new SetAgentConfigSourceRequest { Name = agents[i], Repository = urls[i], Ref = "main" }, cancellationToken: ct);
                }
                catch (Grpc.Core.RpcException ex)
                {
                    // The poller is watched before its first check; a call that timed out waiting for a Git slot still leaves it polling.
                    lock (failures)
                    {
                        failures.Add($"{agents[i]}: {ex.Status.StatusCode} {ex.Status.Detail}");
                    }

                    Interlocked.Increment(ref done);
                    continue;
                }

                if (info.Commit != seedCommit || info.RepositoryError.Length > 0 || info.Problems.Count > 0)
                {
                    lock (failures)
                    {
                        failures.Add($"{agents[i]}: commit '{info.Commit}', error '{info.RepositoryError}', problems {info.Problems.Count}");
                    }
                }

                Interlocked.Increment(ref done);
            }
        }));
        return failures;
    }

    private static async Task<PollWindow> MeasureWindowAsync(ScenarioContext context, PlatformHost platform, GitServer server, int checks, TimeSpan interval,
        int rounds, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var metricsBefore = await SiloGitMetrics.ReadAsync(http, platform.SiloUrl, ct);
        var requestsBefore = await server.CountsAsync(ct);
        var (hostBefore, backendsBefore) = server.Cpu();
        var siloBefore = platform.Silo.Sample().CpuSeconds;
        var gatewayBefore = platform.Gateway.Sample().CpuSeconds;
        var started = Stopwatch.GetTimestamp();
        var timeout = interval * (4.0 * rounds) + TimeSpan.FromSeconds(120);
        GitRequests requests;
        var lastLog = started;
        while (true)
        {
            await Task.Delay(250, ct);
            requests = await server.CountsAsync(ct) - requestsBefore;
            if (requests.RefAdvertisements >= checks)
            {
                break;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > timeout)
            {
                throw new TimeoutException($"the pollers made {requests.RefAdvertisements} of {checks} ref checks within {timeout}");
            }

            if (Stopwatch.GetElapsedTime(lastLog) > TimeSpan.FromSeconds(15))
            {
                context.Log($"  {requests.RefAdvertisements} of {checks} ref checks after {elapsed.TotalSeconds:0} s");
                lastLog = Stopwatch.GetTimestamp();
            }
        }

        var window = Stopwatch.GetElapsedTime(started);
        var silo = platform.Silo.Sample().CpuSeconds - siloBefore;
        var gateway = platform.Gateway.Sample().CpuSeconds - gatewayBefore;
        var (hostAfter, backendsAfter) = server.Cpu();
        requests = await server.CountsAsync(ct) - requestsBefore;
        var metrics = await SiloGitMetrics.ReadAsync(http, platform.SiloUrl, ct) - metricsBefore;
        var polls = requests.RefAdvertisements;
        var meanPollMs = metrics.DurationCount > 0 ? metrics.DurationSum * 1000 / metrics.DurationCount : double.NaN;
        return new PollWindow(
            new CheckCost(polls, window, requests, silo, backendsAfter - backendsBefore, hostAfter - hostBefore, meanPollMs, double.NaN),
            metrics, gateway);
    }

    private static async Task<List<double>> PolledLatencyAsync(PlatformHost platform, GitRepositories repositories, IReadOnlyList<string> agents,
        IReadOnlyList<string> names, int pushes, CancellationToken ct)
    {
        var latencies = await Task.WhenAll(Enumerable.Range(0, pushes).Select(i => Task.Run(async () =>
        {
            var commit = repositories.Push(names[i], agents[i], 1);
            var pushed = Stopwatch.GetTimestamp();
            var deadline = TimeSpan.FromMinutes(3);
            while (true)
            {
                var info = await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agents[i] }, cancellationToken: ct);
                if (info.Commit == commit)
                {
                    return Stopwatch.GetElapsedTime(pushed).TotalMilliseconds;
                }

                if (Stopwatch.GetElapsedTime(pushed) > deadline)
                {
                    throw new TimeoutException($"{agents[i]}'s configuration did not reach commit {commit} within {deadline}");
                }

                await Task.Delay(50, ct);
            }
        }, ct)));
        return [.. latencies.Order()];
    }

    private static async Task<List<double>> NotifiedLatencyAsync(PlatformHost platform, GitRepositories repositories, IReadOnlyList<string> agents,
        IReadOnlyList<string> names, IReadOnlyList<string> urls, int pushes, CancellationToken ct)
    {
        var latencies = new List<double>();
        for (var i = 0; i < pushes; i++)
        {
            var commit = repositories.Push(names[i], agents[i], 2);
            var pushed = Stopwatch.GetTimestamp();
            var response = await platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = urls[i] }, cancellationToken: ct);
            var elapsed = Stopwatch.GetElapsedTime(pushed).TotalMilliseconds;
            if (response.Refs.All(r => r.Commit != commit))
            {
                throw new InvalidOperationException($"NotifyGitPush for {urls[i]} answered {string.Join(", ", response.Refs.Select(r => $"{r.Ref}={r.Commit}"))}, " +
                    $"not the pushed {commit}");
            }

            var info = await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agents[i] }, cancellationToken: ct);
            if (info.Commit != commit)
            {
                throw new InvalidOperationException($"after NotifyGitPush, {agents[i]}'s configuration is at '{info.Commit}', not {commit}");
            }

            latencies.Add(elapsed);
        }

        latencies.Sort();
        return latencies;
    }
}

/// <summary>The measurement window of the pollers: their cost, the silo's own counters and the gateway's CPU.</summary>
public sealed record PollWindow(CheckCost Poller, SiloGitMetrics Metrics, double GatewayCpuSeconds);

/// <summary>Everything the scenario measured.</summary>
public sealed record GitPollingResult(
    int Repositories, TimeSpan Interval, int Rounds, TimeSpan Setup, IReadOnlyList<string> SetupFailures, CheckCost LsRemote, PollWindow Window,
    double SiloIdleCpuPerSecond, IReadOnlyList<double> PolledLatencyMs, IReadOnlyList<double> NotifiedLatencyMs);
