using System.Globalization;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;
using Plural.Testing.Servers;

namespace Plural.Bench.Footprint;

/// <summary>
/// What one idle agent costs where it runs and on the wire: an AgentK process with its default cache on the sample
/// cluster, connected through a byte-counting TCP relay to the gateway, left alone after its cache synced. Its RSS
/// is sampled through the idle window and the relay counts every byte of the connection (keepalive pings, session
/// heartbeats, view refreshes), extrapolated to a day.
/// </summary>
public sealed class AgentFootprintScenario : IScenario
{
    // Goals of the tunnel issue: an agent is a small pod on every cluster, and many clusters pay for egress.
    private const double RssGoalMiB = 60;
    private const double TrafficGoalMiBPerDay = 5;
    private static readonly TimeSpan Sampling = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "agent-footprint";

    /// <inheritdoc />
    public string Title => "Agent footprint: idle RSS with the default cache and idle traffic between agent and gateway";

    /// <inheritdoc />
    public bool InDefaultSet => false;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("settle", OptionKind.Duration, "30s", "wait after the cache synced before measuring"),
        new("idle", OptionKind.Duration, "5m", "the measured idle window"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var settle = context.Duration("settle");
        var idle = context.Duration("idle");
        TcpBalancer? relay = null;
        await using var cluster = await ConnectedCluster.StartAsync(context, platform =>
        {
            relay = TcpBalancer.RoundRobin(platform.AgentUrl.Port);
            return [$"--Agent:GatewayUrl={platform.AgentUrl.Scheme}://127.0.0.1:{relay.Port}"];
        }, [], ct);
        await using var counted = relay!;
        context.Log($"agent synced; settling {settle.TotalSeconds:0} s, then {idle.TotalSeconds:0} s idle");
        await Task.Delay(settle, ct);

        var (up, down) = (counted.BytesToBackends, counted.BytesToClients);
        var cpu = cluster.Agent.Sample().CpuSeconds;
        var rss = new List<long>();
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < idle)
        {
            rss.Add(cluster.Agent.Sample().RssBytes);
            await Task.Delay(Sampling, ct);
        }

        var resident = ResidentBreakdown.Read(cluster.Agent.Id);
        var window = DateTime.UtcNow - started;
        var perDay = TimeSpan.FromDays(1) / window;
        var sentUp = counted.BytesToBackends - up;
        var sentDown = counted.BytesToClients - down;
        var agentCpu = cluster.Agent.Sample().CpuSeconds - cpu;
        var last = rss[^1];
        var peak = rss.Max();
        var dailyMiB = (sentUp + sentDown) * perDay / (1 << 20);
        context.Log($"RSS {Format.MiB(last)} MiB (peak {Format.MiB(peak)}), {sentUp + sentDown} bytes in {window.TotalSeconds:0} s = {dailyMiB:0.00} MiB/day");

        var report = new ScenarioReport
        {
            Method = $"One AgentK process (default settings: cache on, views on, events on) watching the emulator's sample " +
                $"cluster, connected to one gateway through a byte-counting loopback TCP relay. After its cache synced and " +
                $"{settle.TotalSeconds:0} s more, nothing touches the cluster or the platform for {window.TotalSeconds:0} s; the " +
                $"agent's RSS is sampled every {Sampling.TotalSeconds:0} s and the relay counts the bytes of the agent's " +
                "connection in both directions (TLS off, as in the other bench scenarios; TLS adds a few percent to each " +
                "small frame). A day's traffic is the window's bytes scaled to 24 h.",
        };
        var table = new ResultTable("Idle agent", "measure", "value", "goal", "met");
        table.Add("RSS at the end of the window", $"{Format.MiB(last)} MiB", $"≤ {RssGoalMiB:0} MB", Met(last / (double)(1 << 20) <= RssGoalMiB));
        table.Add("RSS, highest sample", $"{Format.MiB(peak)} MiB", "", "");
        table.Add("of it anonymous (GC heap, native heap, stacks)", $"{Format.MiB(resident.AnonymousBytes)} MiB", "", "");
        table.Add("of it mapped files (runtime, assemblies)", $"{Format.MiB(resident.FileBytes)} MiB", "", "");
        table.Add("of it shared memory (code and type heaps, mapped twice)", $"{Format.MiB(resident.SharedMemoryBytes)} MiB", "", "");
        table.Add("agent → gateway", $"{Format.KiB(sentUp)} KiB in {window.TotalSeconds:0} s", "", "");
        table.Add("gateway → agent", $"{Format.KiB(sentDown)} KiB in {window.TotalSeconds:0} s", "", "");
        table.Add("both ways, per day", $"{dailyMiB.ToString("0.00", CultureInfo.InvariantCulture)} MiB", $"≤ {TrafficGoalMiBPerDay:0} MB", Met(dailyMiB <= TrafficGoalMiBPerDay));
        table.Add("agent CPU, per day", $"{(agentCpu * perDay).ToString("0", CultureInfo.InvariantCulture)} s", "", "");
        report.Tables.Add(table);
        report.Headlines["idle RSS MiB"] = Format.MiB(last);
        report.Headlines["idle traffic MiB/day"] = dailyMiB.ToString("0.00", CultureInfo.InvariantCulture);
        if (PlatformHost.ErrorSummary([cluster.Platform.Silo, cluster.Platform.Gateway, cluster.Agent]) is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static string Met(bool met) => met ? "yes" : "no";
}
