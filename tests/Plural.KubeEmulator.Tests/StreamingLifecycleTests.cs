using System.Text;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Sessions end and free what they hold when clients vanish, go silent, or the server stops.</summary>
public sealed class StreamingLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Task WaitForSessionsAsync(TestCluster cluster, int count) =>
        Eventually.UntilAsync(() => Task.FromResult(cluster.Server.OpenStreamingSessions), n => n == count, Timeout);

    [Fact]
    public async Task A_client_that_drops_its_connection_mid_session_frees_the_session()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        var (webSocket, _, _, socket) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/box/exec?command=cat&stdin=1&stdout=1", "v5.channel.k8s.io", cts.Token);
        await ChannelMessages.SendAsync(socket!, 0, "still here", cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket!, 1, "still here", cts.Token);
        var (spdy, _, _) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        var client = new SpdyTestClient(spdy.Stream);
        await client.OpenStreamAsync([("streamtype", "error"), ("port", "80"), ("requestid", "0")], fin: true, cts.Token);
        var data = await client.OpenStreamAsync([("streamtype", "data"), ("port", "80"), ("requestid", "0")], fin: false, cts.Token);
        await client.SendDataAsync(data, "echo me"u8.ToArray(), fin: false, cts.Token);
        await client.ExpectAsync(f => !f.IsControl && f.StreamId == data && Encoding.UTF8.GetString(f.Payload) == "echo me", cts.Token);
        await WaitForSessionsAsync(cluster, 2);

        webSocket.Abort();
        spdy.Abort();

        await WaitForSessionsAsync(cluster, 0);
        var stillServing = await cluster.Kubectl.RunAsync("exec", "box", "--", "echo", "fine");
        Assert.Equal("fine\n", stillServing.EnsureSuccess().Stdout);
    }

    [Fact]
    public async Task A_client_that_goes_silent_is_dropped_after_the_keep_alive_timeout()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.StreamKeepAliveInterval = TimeSpan.FromMilliseconds(200));
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        // Neither client reads again after the handshake, so pings go unanswered, as with a peer whose network vanished.
        var (webSocket, _, _, _) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/box/exec?command=sleep&command=infinity&stdout=1", "v5.channel.k8s.io", cts.Token);
        await using var _ = webSocket;
        var (spdy, _, _) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        await using var __ = spdy;
        await WaitForSessionsAsync(cluster, 2);

        await WaitForSessionsAsync(cluster, 0);
    }

    [Fact]
    public async Task Stopping_the_server_ends_exec_and_port_forward_sessions()
    {
        var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        await using var exec = cluster.Kubectl.Stream("exec", "-i", "box", "--", "sh", "-c", "echo started; cat");
        await exec.WaitForLineAsync(l => l == "started", Timeout);
        await using var forward = cluster.Kubectl.Stream("port-forward", "pod/box", ":80");
        await forward.WaitForLineAsync(l => l.StartsWith("Forwarding from", StringComparison.Ordinal), Timeout);

        var timer = System.Diagnostics.Stopwatch.StartNew();
        await cluster.DisposeAsync();

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(15), $"shutdown took {timer.Elapsed}");
        Assert.True(await exec.WaitForExitAsync(Timeout), "kubectl exec still running after the server stopped");
        Assert.True(await forward.WaitForExitAsync(Timeout), "kubectl port-forward still running after the server stopped");
    }
}
