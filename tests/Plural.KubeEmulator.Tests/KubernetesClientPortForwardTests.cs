using System.Net.WebSockets;
using System.Text;
using k8s;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>KubernetesClient's WebSocket port-forward, the kubelet's channel protocol with one connection per port.</summary>
public sealed class KubernetesClientPortForwardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<string> ReadUntilAsync(Stream stream, string expected, CancellationToken ct)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0) break;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return seen.ToString();
    }

    [Fact]
    public async Task KubernetesClient_port_forward_serves_one_connection_per_port()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "web");
        using var client = cluster.Client();
        using var cts = new CancellationTokenSource(Timeout);

        using var socket = await client.WebSocketNamespacedPodPortForwardAsync("web", "default", [80, 7000], "v4.channel.k8s.io", cancellationToken: cts.Token);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        using var http = demuxer.GetStream((byte?)0, (byte?)0);
        using var echo = demuxer.GetStream((byte?)2, (byte?)2);
        await http.WriteAsync("GET /through-the-client HTTP/1.1\r\nHost: web\r\n\r\n"u8.ToArray(), cts.Token);
        var response = await ReadUntilAsync(http, "/through-the-client\n", cts.Token);
        await echo.WriteAsync("echo this"u8.ToArray(), cts.Token);
        var echoed = await ReadUntilAsync(echo, "echo this", cts.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);

        Assert.Equal("v4.channel.k8s.io", socket.SubProtocol);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("Hello from the kube emulator: pod default/web, port 80, GET /through-the-client\n", response);
        Assert.Equal("echo this", echoed);
        await Eventually.UntilAsync(() => Task.FromResult(cluster.Server.OpenStreamingSessions), n => n == 0, Timeout);
    }

    [Fact]
    public async Task Channel_port_forward_without_ports_is_400()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "web");
        using var cts = new CancellationTokenSource(Timeout);

        var (connection, status, _, socket) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/web/portforward", "v4.channel.k8s.io", cts.Token);
        await using var _ = connection;
        var (other, badPort, _, _) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/web/portforward?ports=0", "v4.channel.k8s.io", cts.Token);
        await using var __ = other;

        Assert.Equal(400, status);
        Assert.Null(socket);
        Assert.Equal(400, badPort);
    }
}
