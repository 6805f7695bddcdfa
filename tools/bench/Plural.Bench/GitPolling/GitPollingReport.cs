using System.Globalization;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.GitPolling;

/// <summary>Turns the pollers' and the ls-remote loop's costs, and the commit-to-notice latencies, into tables and ratios.</summary>
public static class GitPollingReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(GitPollingResult r)
    {
        var interval = Seconds(r.Interval);
        var report = new ScenarioReport
        {
            Method =
                $"{r.Repositories} bare repositories served over loopback by real `git http-backend` (git {GitVersion()}) behind a small Kestrel CGI " +
                "host in a process of its own, which counts requests by kind; one seed repository holds a configuration file for every agent " +
                "and is served under every name but a few (symbolic links: the server does the same work per name), the few are real copies " +
                "the bench pushes to. **pollers**: a silo and a gateway (separate processes, production defaults, logging at Warning, " +
                $"`Git:PollInterval` {interval}, `Git:PollJitter` 0.1, `Git:MaxConcurrentOperations` 16), {r.Repositories} agents registered " +
                "through ServerApi and each given its own repository with `SetAgentConfigSource`, so that each repository has its own real " +
                "`RepositoryPollerGrain` (libgit2's remote-ref check through `GitClient`). After the first polls and fetches, the window " +
                $"runs until the server has seen {r.Repositories} x {r.Rounds} ref checks; checks are counted at the server (GET info/refs), " +
                "CPU is the silo's process CPU time delta (/proc) over the window divided by the checks; the silo's CPU without pollers, " +
                "measured for 5 s before the sources were set, is shown apart. The ls-remote loop runs 20 unmeasured checks first. **git ls-remote**: before the " +
                "platform starts, the same number of `git ls-remote <url> refs/heads/main` invocations, one after the other over the same " +
                "repositories (a cron loop), with the CPU of the git processes (reaped by the bench, so counted in its children's CPU) and " +
                "their wall time. On the server side, the CPU of the http-backend programs (reaped by the CGI host) and of the host itself " +
                $"are read the same way. **Commit-to-notice**: a new commit pushed to {r.PolledLatencyMs.Count} repositories at once, timed " +
                "until `GetAgentConfig` shows the agent's configuration at that commit (polled every 50 ms); then another commit per " +
                "repository, one at a time, followed at once by `NotifyGitPush`, timed until it answers with the new commit (the poke polls, " +
                "fetches and evaluates before answering).",
        };

        var poller = r.Window.Poller;
        var ls = r.LsRemote;
        var costs = new ResultTable("Checking unchanged repositories", "checker", "checks", "GET info/refs per check", "POST ls-refs per check",
            "POST pack (fetch) per check", "checker CPU per check", "http-backend CPU per check", "CGI host CPU per check", "wall per check, mean",
            "wall per check, p50");
        costs.Add($"RepositoryPollerGrain, silo ({interval} interval)", Format.Count(poller.Checks), PerCheck(poller.Requests.RefAdvertisements, poller.Checks),
            PerCheck(poller.Requests.LsRefs, poller.Checks), PerCheck(poller.Requests.PackRequests, poller.Checks), Ms(poller.ClientMsPerCheck),
            Ms(poller.BackendMsPerCheck), Ms(poller.HostMsPerCheck), Ms(poller.MeanCheckMs) + " (poll duration)", "—");
        costs.Add("git ls-remote, one at a time", Format.Count(ls.Checks), PerCheck(ls.Requests.RefAdvertisements, ls.Checks),
            PerCheck(ls.Requests.LsRefs, ls.Checks), PerCheck(ls.Requests.PackRequests, ls.Checks), Ms(ls.ClientMsPerCheck),
            Ms(ls.BackendMsPerCheck), Ms(ls.HostMsPerCheck), Ms(ls.MeanCheckMs), Ms(ls.MedianCheckMs));
        report.Tables.Add(costs);

        var m = r.Window.Metrics;
        var window = new ResultTable("Poller window", "repositories", "window", "checks", "checks per second", "silo: unchanged / changed / failed polls",
            "silo: fetches", "requests to the Git server", "of them POST git-upload-pack", "silo CPU", "gateway CPU");
        window.Add(Format.Count(r.Repositories), Seconds(poller.Elapsed), Format.Count(poller.Checks), Format.One(poller.Checks / poller.Elapsed.TotalSeconds),
            $"{Format.Count(m.Unchanged)} / {Format.Count(m.Changed)} / {Format.Count(m.Failed)}", Format.Count(m.Fetches), Format.Count(poller.Requests.Total),
            Format.Count(poller.Requests.LsRefs + poller.Requests.PackRequests), Seconds(poller.ClientCpuSeconds) + " CPU",
            Seconds(r.Window.GatewayCpuSeconds) + " CPU");
        report.Tables.Add(window);

        var idleMs = r.SiloIdleCpuPerSecond * poller.Elapsed.TotalSeconds * 1000 / poller.Checks;
        var net = poller.ClientMsPerCheck - idleMs;
        var silo = new ResultTable("Silo CPU per poll", "silo CPU per poll", "silo without pollers", "its share per poll over the window",
            "silo CPU per poll beyond that");
        silo.Add(Ms(poller.ClientMsPerCheck), Format.One(r.SiloIdleCpuPerSecond * 100) + " % of a core", Ms(idleMs), Ms(net));
        report.Tables.Add(silo);

        var latency = new ResultTable("Commit-to-notice", "how", "pushes", "latencies", "max");
        latency.Add($"polling, {interval} interval", Format.Count(r.PolledLatencyMs.Count), string.Join(", ", r.PolledLatencyMs.Select(Ms)),
            r.PolledLatencyMs.Count > 0 ? Ms(r.PolledLatencyMs.Max()) : "—");
        latency.Add("NotifyGitPush right after the push", Format.Count(r.NotifiedLatencyMs.Count), string.Join(", ", r.NotifiedLatencyMs.Select(Ms)),
            r.NotifiedLatencyMs.Count > 0 ? Ms(r.NotifiedLatencyMs.Max()) : "—");
        report.Tables.Add(latency);

        var pollerBoth = poller.ClientMsPerCheck + poller.BackendMsPerCheck + poller.HostMsPerCheck;
        var lsBoth = ls.ClientMsPerCheck + ls.BackendMsPerCheck + ls.HostMsPerCheck;
        report.Ratios["poller / ls-remote CPU per check, checking side"] = poller.ClientMsPerCheck / ls.ClientMsPerCheck;
        report.Ratios["poller (beyond an idle silo) / ls-remote CPU per check, checking side"] = net / ls.ClientMsPerCheck;
        report.Ratios["poller / ls-remote CPU per check, server side (http-backend)"] = poller.BackendMsPerCheck / ls.BackendMsPerCheck;
        report.Ratios["poller / ls-remote CPU per check, both sides"] = pollerBoth / lsBoth;
        report.Ratios["poller / ls-remote HTTP requests per check"] = (double)poller.Requests.Total / poller.Checks / ((double)ls.Requests.Total / ls.Checks);
        report.Headlines["upload-pack requests for unchanged repositories"] = Format.Count(poller.Requests.LsRefs + poller.Requests.PackRequests);
        report.Headlines["silo CPU per repository per poll"] = Ms(poller.ClientMsPerCheck);
        report.Headlines["silo CPU per repository per poll beyond an idle silo"] = Ms(net);
        report.Headlines["git ls-remote CPU per check"] = Ms(ls.ClientMsPerCheck);
        if (r.PolledLatencyMs.Count > 0)
        {
            report.Headlines[$"commit-to-notice by polling ({interval} interval), max"] = Ms(r.PolledLatencyMs.Max());
            report.Headlines["commit-to-notice with NotifyGitPush, max"] = Ms(r.NotifiedLatencyMs.Max());
        }

        report.Notes.Add(
            $"A poller's check is one GET info/refs (libgit2 speaks protocol v0/v1: the ref advertisement is the answer); `git ls-remote` " +
            $"(protocol v2 by default) makes {PerCheck(ls.Requests.Total, ls.Checks)} requests per check, the capability advertisement and an " +
            "ls-refs POST, neither a pack. Per check the poller costs the server one http-backend run instead of two, and its own side is a " +
            "call inside a process that is already running, where ls-remote starts `git` and `git-remote-http` every time.");
        report.Notes.Add(
            $"Setting the {r.Repositories} configuration sources (register, `SetAgentConfigSource`: first check, fetch, configuration read) " +
            $"took {Seconds(r.Setup)} with {SetupParallelismText} calls at a time" +
            (r.SetupFailures.Count == 0 ? "; every agent got the seed commit." : $"; {r.SetupFailures.Count} failed, first: {r.SetupFailures[0]}."));
        report.Notes.Add(
            $"Polling latency is bounded by the interval: a poll is due {interval} after the last (±10 % jitter) and the poller's timer ticks " +
            "every quarter interval, so a commit waits up to about 1.35 intervals plus one check, fetch and configuration read. NotifyGitPush " +
            "(a webhook) makes it one check, one fetch and one read.");
        report.Data = new
        {
            r.Repositories,
            IntervalSeconds = r.Interval.TotalSeconds,
            r.Rounds,
            SetupSeconds = r.Setup.TotalSeconds,
            r.SetupFailures,
            Poller = Raw(poller),
            LsRemote = Raw(ls),
            SiloMetrics = m,
            GatewayCpuSeconds = r.Window.GatewayCpuSeconds,
            r.SiloIdleCpuPerSecond,
            r.PolledLatencyMs,
            r.NotifiedLatencyMs,
        };
        return report;
    }

    private const string SetupParallelismText = "8";

    private static object Raw(CheckCost c) => new
    {
        c.Checks,
        ElapsedSeconds = c.Elapsed.TotalSeconds,
        c.Requests.RefAdvertisements,
        c.Requests.LsRefs,
        c.Requests.PackRequests,
        c.Requests.Other,
        c.ClientCpuSeconds,
        c.BackendCpuSeconds,
        c.HostCpuSeconds,
        MeanCheckMs = double.IsNaN(c.MeanCheckMs) ? (double?)null : c.MeanCheckMs,
        MedianCheckMs = double.IsNaN(c.MedianCheckMs) ? (double?)null : c.MedianCheckMs,
    };

    private static string PerCheck(long value, long checks) => ((double)value / checks).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => double.IsNaN(ms) ? "—" : ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string Seconds(TimeSpan t) => Seconds(t.TotalSeconds);

    private static string Seconds(double s) => s.ToString("0.0##", CultureInfo.InvariantCulture) + " s";

    private static string GitVersion()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["--version"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            var text = process?.StandardOutput.ReadToEnd() ?? "";
            process?.WaitForExit();
            return text.Replace("git version", "", StringComparison.Ordinal).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
