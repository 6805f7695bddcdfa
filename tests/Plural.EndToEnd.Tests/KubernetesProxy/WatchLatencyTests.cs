using System.Diagnostics;
using System.Text.Json;
using k8s;
using Xunit.Abstractions;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// A watch through the tunnel delivers each event as soon as the cluster sends it: the time from a write on the
/// emulator to its event arriving through the gateway(s), the agent and the tunnel. Exact figures are the benchmark's;
/// the bounds here hold on a loaded two-core machine, and a proxy that buffered events would miss them by far.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class WatchLatencyTests(KubectlPlatformFixture platform, ITestOutputHelper output)
{
    private const int Changes = 20;

    private static readonly TimeSpan MedianBound = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan EachBound = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task A_watch_delivers_each_change_within_100_ms_at_the_median(string gateway)
    {
        var ns = $"latency-{gateway.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        await platform.Cluster.CreateNamespaceAsync(ns);
        var (_, issued) = await platform.KubectlAsync(gateway, "latency", []);
        using var client = platform.HttpClient(gateway, issued.Token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var response = await client.GetAsync($"/k8s-proxy/{platform.Agent.Name}/api/v1/namespaces/{ns}/configmaps?watch=true",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        // The watch lists what exists first; the namespace's root CA config map shows that the watch is established.
        await NextAddedAsync(events, timeout.Token);

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < Changes; i++)
        {
            var name = $"change-{i}";
            var clock = Stopwatch.StartNew();
            var written = platform.Cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(new() { Metadata = new() { Name = name } }, ns,
                cancellationToken: timeout.Token);
            var seen = await NextAddedAsync(events, timeout.Token);
            latencies.Add(clock.Elapsed);
            await written;
            Assert.Equal(name, seen);
        }

        latencies.Sort();
        var median = latencies[Changes / 2];
        output.WriteLine($"through gateway {gateway}: median {median.TotalMilliseconds:0.0} ms, max {latencies[^1].TotalMilliseconds:0.0} ms");
        Assert.True(median < MedianBound, $"median {median.TotalMilliseconds:0.0} ms; all: {string.Join(", ", latencies.Select(l => l.TotalMilliseconds.ToString("0")))}");
        Assert.True(latencies[^1] < EachBound, $"slowest {latencies[^1].TotalMilliseconds:0.0} ms");
    }

    /// <summary>The name in the next ADDED event of the stream; fails when none arrives within ten seconds.</summary>
    private static async Task<string> NextAddedAsync(StreamReader events, CancellationToken testTimeout)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(testTimeout);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        while (await events.ReadLineAsync(wait.Token) is { } line)
        {
            var watchEvent = JsonDocument.Parse(line).RootElement;
            if (watchEvent.GetProperty("type").GetString() == "ADDED")
            {
                return watchEvent.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString()!;
            }
        }

        throw new EndOfStreamException("the watch ended");
    }
}
