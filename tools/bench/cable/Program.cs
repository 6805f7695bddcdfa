using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Bench.Processes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Agents;
using Plural.Grains.Streams;
using Plural.Protocol.Server;

// Fan-out through /cable on one gateway: N WebSocket subscribers of one agent's status topic receive
// (1) a burst, (2) a steady stream, (3) the same burst while one subscriber has stopped reading.
// Latency is measured from the publisher's timestamp to arrival, both on this machine's clock.
var settings = BenchSettings.Parse(args);
if (settings is null)
{
    Console.WriteLine("usage: dotnet run --project tools/bench/cable -c Release -- [--subscribers 1000] [--spaced 20] [--burst 50] [--rate 20] [--seconds 10] [--results DIR]");
    return 2;
}

// Each subscriber is a socket here and one in the gateway, which inherits the limit.
var fileLimit = Plural.Bench.Processes.FileLimits.Raise(settings.Subscribers * 2L + 4096);
Console.WriteLine($"open-file limit {fileLimit}");
const string adminToken = "bench-cable-admin-token";
var siloPort = FreePort.Next();
var orleansGatewayPort = FreePort.Next();
var httpUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
var apiUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
Console.WriteLine($"starting silo and gateway ({settings.Subscribers} subscribers, burst {settings.Burst}, {settings.Rate}/s for {settings.Seconds} s)");
await using var silo = ProductProcess.Start("Silo",
[
    "--Orleans:HostGateway=false", $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={orleansGatewayPort}",
    $"--urls=http://127.0.0.1:{FreePort.Next()}",
]);
await silo.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
await using var gateway = ProductProcess.Start("Gateway",
[
    $"--Orleans:GatewayPort={orleansGatewayPort}", "--Gateway:Id=bench-cable", $"--Gateway:AdminToken={adminToken}",
    $"--Gateway:AgentListenUrl=http://127.0.0.1:{FreePort.Next()}", $"--Gateway:ApiListenUrl={apiUrl}", $"--Gateway:HttpListenUrl={httpUrl}", "--Gateway:AllowInsecure=true",
]);
await gateway.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
await using var cluster = await ClusterProbe.ConnectAsync(orleansGatewayPort);

using var channel = GrpcChannel.ForAddress(apiUrl);
var api = new ServerApi.ServerApiClient(channel.Intercept(m =>
{
    m.Add("authorization", "Bearer " + adminToken);
    return m;
}));
var agent = "bench-" + Guid.NewGuid().ToString("N")[..6];
await api.RegisterAgentAsync(new RegisterAgentRequest { Name = agent });
var cableUrl = new Uri($"ws://{httpUrl.Authority}/cable?token={adminToken}");
var identifier = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent }.ToJsonString();

var rssBefore = ResidentKiB(gateway.Id);
var connectClock = Stopwatch.StartNew();
await using var swarm = await SubscriberSwarm.ConnectAsync(cableUrl, identifier, settings.Subscribers, TimeSpan.FromMinutes(5));
var connectSeconds = connectClock.Elapsed.TotalSeconds;
Console.WriteLine($"{swarm.Count} subscribers connected and subscribed in {connectSeconds:F1} s");
// The gateway's resident memory grown by the subscribers, once their connection set-up has settled.
await Task.Delay(TimeSpan.FromSeconds(2));
var kibPerSubscriber = (double)(ResidentKiB(gateway.Id) - rssBefore) / swarm.Count;
Console.WriteLine($"gateway memory per subscriber: {kibPerSubscriber:F1} KiB");

var published = 0;
async Task PublishAsync() => await cluster.PublishAsync(StreamNames.AgentStatus, agent,
    new AgentStatusChanged(agent, published++ % 2 == 0, "bench", "pod", DateTimeOffset.UtcNow));

// CPU seconds of the gateway, the silo and this process (the subscribers), so a scenario's cost is seen whole.
double[] CpuNow() => [ProcessStats.Sample(gateway.Id).CpuSeconds, ProcessStats.Sample(silo.Id).CpuSeconds, ProcessStats.Sample(Environment.ProcessId).CpuSeconds];

async Task<Scenario> BurstAsync(string name)
{
    swarm.Reset();
    var cpu = CpuNow();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < settings.Burst; i++)
    {
        await PublishAsync();
    }

    var complete = await swarm.WaitForAllAsync(settings.Burst, TimeSpan.FromMinutes(3));
    return Scenario.From(name, settings.Burst, swarm, clock.Elapsed, complete, cpu, CpuNow());
}

async Task<Scenario> SteadyAsync()
{
    swarm.Reset();
    var total = settings.Rate * settings.Seconds;
    var cpu = CpuNow();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / settings.Rate);
        if (due > clock.Elapsed)
        {
            await Task.Delay(due - clock.Elapsed);
        }

        await PublishAsync();
    }

    var complete = await swarm.WaitForAllAsync(total, TimeSpan.FromMinutes(3));
    return Scenario.From($"steady {settings.Rate}/s", total, swarm, clock.Elapsed, complete, cpu, CpuNow());
}

// One event at a time: each published once the previous one reached every subscriber, so each figure is one
// broadcast's own time, not a queue's.
async Task<Scenario> OneAtATimeAsync()
{
    swarm.Reset();
    var cpu = CpuNow();
    var clock = Stopwatch.StartNew();
    var complete = true;
    for (var i = 0; i < settings.Spaced && complete; i++)
    {
        await PublishAsync();
        complete = await swarm.WaitForAllAsync(i + 1, TimeSpan.FromMinutes(1));
        await Task.Delay(200);
    }

    return Scenario.From("one at a time", settings.Spaced, swarm, clock.Elapsed, complete, cpu, CpuNow());
}

var scenarios = new List<Scenario> { await OneAtATimeAsync(), await BurstAsync("burst"), await SteadyAsync() };

// One more client, 100 subscriptions to the same topic, a 4 KiB receive buffer, and it never reads again.
await using var stalled = await RawCable.ConnectAsync(cableUrl, receiveBuffer: 4096);
for (var i = 0; i < 100; i++)
{
    await stalled.SubscribeAsync(new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent, ["copy"] = i }.ToJsonString());
}

for (var snapshots = 0; snapshots < 100;)
{
    snapshots += (string?)(await stalled.ReadUntilAsync(_ => true, TimeSpan.FromSeconds(60)))["message"]?["type"] == "snapshot" ? 1 : 0;
}

scenarios.Add(await BurstAsync("burst, one subscriber stalled"));
var (stalledFrames, stalledReason) = await DrainAsync(stalled);
Console.WriteLine($"stalled subscriber: {stalledFrames} of {settings.Burst * 100} frames, then {stalledReason}");

var results = Directory.CreateDirectory(settings.Results ?? Path.Combine(RepositoryLayout.Root, "tools", "bench", "results")).FullName;
var stem = Path.Combine(results, $"{DateTime.UtcNow:yyyy-MM-dd}-cable-fanout");
var machine = $"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end";
var command = "dotnet run --project tools/bench/cable -c Release" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
await File.WriteAllTextAsync(stem + ".md", Report.Markdown(settings, scenarios, connectSeconds, kibPerSubscriber, stalledFrames, stalledReason, machine, command));
await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(new
{
    settings, connectSeconds, kibPerSubscriber, scenarios, stalled = new { frames = stalledFrames, of = settings.Burst * 100, outcome = stalledReason }, machine, command,
}, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
Console.WriteLine($"wrote {stem}.md and .json");
foreach (var s in scenarios)
{
    Console.WriteLine(s.Line());
}

return 0;

// VmRSS of a process, in KiB.
static long ResidentKiB(int pid) =>
    long.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

static async Task<(int Frames, string Outcome)> DrainAsync(RawCable stalled)
{
    var frames = 0;
    var outcome = "still open after 30 s";
    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    try
    {
        while (await stalled.ReadAsync(cts.Token) is { } frame)
        {
            frames += (string?)frame["message"]?["type"] == "agent_status" ? 1 : 0;
            if ((string?)frame["type"] == "disconnect")
            {
                outcome = $"disconnect ({frame["reason"]})";
            }
        }

        outcome = outcome.StartsWith("disconnect", StringComparison.Ordinal) ? outcome : "closed";
    }
    catch (System.Net.WebSockets.WebSocketException)
    {
        outcome = outcome.StartsWith("disconnect", StringComparison.Ordinal) ? outcome + ", then aborted" : "aborted";
    }
    catch (OperationCanceledException)
    {
    }

    return (frames, outcome);
}

internal sealed record BenchSettings(int Subscribers, int Spaced, int Burst, int Rate, int Seconds, string? Results)
{
    public static BenchSettings? Parse(string[] args)
    {
        var s = new BenchSettings(1000, 20, 50, 20, 10, null);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--subscribers" when int.TryParse(value, out var n) && n > 0: s = s with { Subscribers = n }; i++; break;
                case "--spaced" when int.TryParse(value, out var n) && n > 0: s = s with { Spaced = n }; i++; break;
                case "--burst" when int.TryParse(value, out var n) && n > 0: s = s with { Burst = n }; i++; break;
                case "--rate" when int.TryParse(value, out var n) && n > 0: s = s with { Rate = n }; i++; break;
                case "--seconds" when int.TryParse(value, out var n) && n > 0: s = s with { Seconds = n }; i++; break;
                case "--results" when value is not null: s = s with { Results = value }; i++; break;
                default: return null;
            }
        }

        return s;
    }
}

// Latencies over every (subscriber, event) pair, and the broadcast time of each event: publish to its last subscriber.
internal sealed record Scenario(string Name, int Events, int Delivered, int Expected, bool Complete, int Broken,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, double BroadcastP50Ms, double BroadcastP95Ms, double BroadcastMaxMs,
    double Seconds, double FramesPerSecond, double GatewayCpuSeconds, double SiloCpuSeconds, double BenchCpuSeconds)
{
    public static Scenario From(string name, int events, SubscriberSwarm swarm, TimeSpan elapsed, bool complete, double[] cpuBefore, double[] cpuAfter)
    {
        var l = swarm.LatenciesMs();
        var b = swarm.BroadcastMs();
        return new Scenario(name, events, l.Count, events * swarm.Count, complete, swarm.Broken,
            SubscriberSwarm.Percentile(l, 50), SubscriberSwarm.Percentile(l, 95), SubscriberSwarm.Percentile(l, 99),
            l.Count == 0 ? double.NaN : l[^1], SubscriberSwarm.Percentile(b, 50), SubscriberSwarm.Percentile(b, 95),
            b.Count == 0 ? double.NaN : b[^1], elapsed.TotalSeconds, l.Count / elapsed.TotalSeconds,
            cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1], cpuAfter[2] - cpuBefore[2]);
    }

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Delivered}/{Expected} delivered, p50 {P50Ms:F0} ms, p95 {P95Ms:F0} ms, p99 {P99Ms:F0} ms, max {MaxMs:F0} ms; " +
        $"broadcast p50 {BroadcastP50Ms:F0} ms, p95 {BroadcastP95Ms:F0} ms, max {BroadcastMaxMs:F0} ms; {FramesPerSecond:F0} frames/s; " +
        $"CPU s gateway {GatewayCpuSeconds:F1}, silo {SiloCpuSeconds:F1}, subscribers {BenchCpuSeconds:F1} over {Seconds:F1} s");
}

internal static class Report
{
    public static string Markdown(BenchSettings settings, IReadOnlyList<Scenario> scenarios, double connectSeconds, double kibPerSubscriber,
        int stalledFrames, string stalledOutcome, string machine, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# /cable fan-out, {DateTime.UtcNow:yyyy-MM-dd}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"One silo and one gateway (separate processes), {settings.Subscribers} WebSocket subscribers of one agent's `AgentStatusChannel` on that gateway, ");
        md.AppendLine("events published on the agent's Orleans stream by a client of the silo. Latency: publisher's timestamp to arrival at each");
        md.AppendLine("subscriber (same machine, same clock), over every (subscriber, event) pair; \"broadcast\" is, per event, the latency of its");
        md.AppendLine("last arrival: publish to the last subscriber's frame. Subscribers and servers share the machine.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Connecting and subscribing {settings.Subscribers} clients took {connectSeconds:F1} s; the gateway's resident memory grew by {kibPerSubscriber:F1} KiB per subscriber (VmRSS before and 2 s after).");
        md.AppendLine();
        md.AppendLine("| scenario | events | delivered | p50 ms | p95 ms | p99 ms | max ms | broadcast p50 ms | broadcast p95 ms | broadcast max ms | frames/s | broken | seconds | CPU s gateway / silo / subscribers |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Events} | {s.Delivered}/{s.Expected} | {s.P50Ms:F0} | {s.P95Ms:F0} | {s.P99Ms:F0} | {s.MaxMs:F0} | {s.BroadcastP50Ms:F0} | {s.BroadcastP95Ms:F0} | {s.BroadcastMaxMs:F0} | {s.FramesPerSecond:F0} | {s.Broken} | {s.Seconds:F1} | {s.GatewayCpuSeconds:F1} / {s.SiloCpuSeconds:F1} / {s.BenchCpuSeconds:F1} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Stalled subscriber (100 subscriptions to the topic, 4 KiB receive buffer, stops reading): got {stalledFrames} of {settings.Burst * 100} frames, then {stalledOutcome}.");
        md.AppendLine("\"broken\" counts subscribers that lost their connection or saw a gap in `seq`.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Command: `{command}`.");
        return md.ToString();
    }
}
