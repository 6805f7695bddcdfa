using System.Globalization;
using Plural.Bench.Load;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.GitOpsLatency;

/// <summary>Turns the commit-to-applied latencies of both routes into a table.</summary>
public static class GitOpsLatencyReport
{
    /// <summary>Builds the report; every list is in milliseconds, in the order measured.</summary>
    public static ScenarioReport Build(TimeSpan interval, IReadOnlyList<double> notified, IReadOnlyList<double> answers, IReadOnlyList<double> polled)
    {
        var seconds = interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        var report = new ScenarioReport
        {
            Method =
                "One repository served over loopback by real `git http-backend` (the git-polling scenario's CGI host, in a process of its " +
                "own) holds an agent's configuration, set with `SetAgentConfigSource`, with one sync target: a folder with a probe " +
                "ConfigMap. Silo, gateway and a real AgentK process are separate processes with production defaults (logging at " +
                $"Warning, `Git:PollInterval` {seconds}); the agent applies to a Kubernetes emulator inside the bench process. Each " +
                "commit changes the probe's `data.generation` and is pushed with `git push`; the time runs from the push's return " +
                "until a `GET` of the probe on the API server, every 10 ms, shows the new generation: the poller's check and fetch, " +
                "reading the manifests, the push down the agent's session and the server-side apply. **NotifyGitPush**: the call " +
                "follows the push at once (its own answer time is shown too). **polling**: no call; each commit waits a random part " +
                "of the interval first, so the latency covers the whole poll phase. Commits go one at a time.",
        };
        var table = new ResultTable("Commit to applied", "route", "commits", "p50", "p99", "max", "mean");
        Row(table, "NotifyGitPush right after the push", notified);
        Row(table, "NotifyGitPush call itself", answers);
        Row(table, $"next poll ({seconds} interval)", polled);
        report.Tables.Add(table);
        var sortedNotified = notified.Order().ToList();
        var sortedPolled = polled.Order().ToList();
        report.Headlines["commit to applied with NotifyGitPush, p50"] = Ms(Percentiles.Of(sortedNotified, 50));
        report.Headlines["commit to applied by polling, p50"] = Ms(Percentiles.Of(sortedPolled, 50));
        report.Ratios["polled / notified p50"] = Percentiles.Of(sortedPolled, 50) / Percentiles.Of(sortedNotified, 50);
        report.Data = new { IntervalSeconds = interval.TotalSeconds, NotifiedMs = notified, NotifyAnswerMs = answers, PolledMs = polled };
        return report;
    }

    private static void Row(ResultTable table, string route, IReadOnlyList<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        table.Add(route, Format.Count(sorted.Count), Ms(Percentiles.Of(sorted, 50)), Ms(Percentiles.Of(sorted, 99)),
            Ms(sorted.Count > 0 ? sorted[^1] : 0), Ms(sorted.Count > 0 ? sorted.Average() : 0));
    }

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
