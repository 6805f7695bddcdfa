using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Grains.Agents;
using Plural.Grains.Streams;
using Xunit.Abstractions;

namespace Plural.Cable.Tests;

/// <summary>Fan-out to many subscribers on one gateway, with one that stops reading.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class LoadTests(CablePlatform platform, ITestOutputHelper output)
{
    private const int Subscribers = 1000;
    private const int Burst = 50;

    [Fact]
    public async Task Thousand_subscribers_get_a_burst_while_a_stalled_subscriber_is_disconnected_without_slowing_them()
    {
        var agent = await platform.RegisterAgentAsync("burst");
        var identifier = new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name }.ToJsonString();
        await using var swarm = await SubscriberSwarm.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken),
            identifier, Subscribers, TimeSpan.FromMinutes(3));

        // The stalled subscriber holds 100 subscriptions to the same topic (100 frames per event) on a socket with
        // a tiny receive buffer, and stops reading once they are confirmed.
        await using var stalled = await RawCable.ConnectAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken), receiveBuffer: 4096);
        for (var i = 0; i < 100; i++)
        {
            await stalled.SubscribeAsync(new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent.Name, ["copy"] = i }.ToJsonString());
        }

        for (var snapshots = 0; snapshots < 100;)
        {
            var frame = await stalled.ReadUntilAsync(_ => true, TimeSpan.FromSeconds(60));
            snapshots += (string?)frame["message"]?["type"] == "snapshot" ? 1 : 0;
        }

        for (var i = 0; i < Burst; i++)
        {
            await platform.Cluster.PublishAsync(StreamNames.AgentStatus, agent.Name,
                new AgentStatusChanged(agent.Name, i % 2 == 0, "gw-load", "pod", DateTimeOffset.UtcNow));
        }

        var complete = await swarm.WaitForAllAsync(Burst, TimeSpan.FromMinutes(2));
        var latencies = swarm.LatenciesMs();
        var (p50, p99, max) = (SubscriberSwarm.Percentile(latencies, 50), SubscriberSwarm.Percentile(latencies, 99), latencies.LastOrDefault());
        output.WriteLine($"{Subscribers} subscribers x {Burst} events: {latencies.Count} delivered, p50 {p50:F0} ms, p99 {p99:F0} ms, max {max:F0} ms");

        Assert.True(complete, $"only {swarm.Received} of {Subscribers * Burst} messages arrived");
        Assert.Equal(0, swarm.Broken);
        // Generous: the CI box is a loaded 2-core machine running both ends. A fan-out that waited on the stalled
        // socket would not finish at all; bench/cable measures the real figures. There is deliberately no bound
        // relative to the same burst without the stalled subscriber: measured back to back on this machine, the p99
        // of the run with it ranged from 0.6 to 1.6 times that of the run without (-2 s to +2.4 s), as large as the
        // 5 s (CloseTimeout) a fan-out held up by the stalled socket would add.
        Assert.True(p99 < 30_000, $"p99 latency {p99:F0} ms with a stalled subscriber present");

        // The stalled client now reads what reached it, never the whole burst on a connection that stays open. The
        // gateway queues a disconnect (slow_consumer) behind the frame its socket is stuck on and aborts the socket
        // if that is not read within Gateway:Cable:CloseTimeout (5 s). This client reads nothing until the swarm has
        // the whole burst, often later than that, so an aborted socket is what it legitimately sees (then the kernel
        // may discard even what had reached it); it reads the slow_consumer disconnect only when it starts in time.
        // Why it was cut off is the gateway's to say: its log, checked below.
        var statuses = 0;
        string? reason = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await stalled.ReadAsync(cts.Token) is { } frame)
            {
                statuses += (string?)frame["message"]?["type"] == "agent_status" ? 1 : 0;
                reason = (string?)frame["type"] == "disconnect" ? (string?)frame["reason"] : reason;
            }
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException
            || (ex is OperationCanceledException && !cts.IsCancellationRequested))
        {
            reason ??= "aborted";
        }
        catch (OperationCanceledException)
        {
            // Still open after 30 s: asserted below.
        }

        output.WriteLine($"stalled subscriber: {statuses} of {Burst * 100} frames before it was cut off ({reason})");
        Assert.False(cts.IsCancellationRequested, "the stalled subscriber was never disconnected");
        Assert.Contains(reason, new[] { "slow_consumer", "aborted" });
        Assert.True(statuses < Burst * 100);
        await platform.GatewayA.Process.WaitForOutputAsync(
            "Disconnecting slow cable consumer admin: more than 1000 messages queued", TimeSpan.FromSeconds(30));
    }
}
