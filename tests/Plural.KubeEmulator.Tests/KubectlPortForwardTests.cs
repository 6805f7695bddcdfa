using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>
/// Real kubectl port-forward, once over SPDY tunnelled in a WebSocket (kubectl 1.31+'s default,
/// <c>SPDY/3.1+portforward.k8s.io</c>) and once over plain SPDY (<c>KUBECTL_PORT_FORWARD_WEBSOCKETS=false</c>),
/// with TCP and HTTP clients on the local end.
/// </summary>
public sealed partial class KubectlPortForwardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<bool> Transports => new() { true, false };

    private static Dictionary<string, string> Transport(bool websockets) => new() { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets ? "true" : "false" };

    private static async Task<int> LocalPortAsync(KubectlStream forward) =>
        int.Parse(ForwardingLine().Match(await forward.WaitForLineAsync(l => ForwardingLine().IsMatch(l), Timeout)).Groups[1].Value);

    private static async Task<string> EchoAsync(TcpClient client, string text, CancellationToken ct)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        var buffer = new byte[text.Length];
        await stream.ReadExactlyAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_port_forward_reaches_the_pod_server_with_tcp_and_http_clients(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "web");
        await using var forward = cluster.Kubectl.StreamWith(Transport(websockets), "port-forward", "pod/web", ":80");
        var port = await LocalPortAsync(forward);
        using var cts = new CancellationTokenSource(Timeout);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
        var echoed = await EchoAsync(tcp, "ping over the tunnel", cts.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };
        var first = await http.GetStringAsync("/hello", cts.Token);
        var second = await http.GetStringAsync("/again?x=1", cts.Token);

        Assert.Equal("ping over the tunnel", echoed);
        Assert.Equal("Hello from the kube emulator: pod default/web, port 80, GET /hello\n", first);
        Assert.Equal("Hello from the kube emulator: pod default/web, port 80, GET /again?x=1\n", second);
        Assert.Equal(1, cluster.Server.Requests.Count(websockets ? "get" : "create", "pods/portforward"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_port_forward_carries_two_connections_at_once(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "web");
        await using var forward = cluster.Kubectl.StreamWith(Transport(websockets), "port-forward", "pod/web", ":8080");
        var port = await LocalPortAsync(forward);
        using var cts = new CancellationTokenSource(Timeout);

        using var a = new TcpClient();
        using var b = new TcpClient();
        await a.ConnectAsync("127.0.0.1", port, cts.Token);
        await b.ConnectAsync("127.0.0.1", port, cts.Token);
        var firstA = await EchoAsync(a, "a1", cts.Token);
        var firstB = await EchoAsync(b, "b1", cts.Token);
        var secondA = await EchoAsync(a, "a2", cts.Token);
        var secondB = await EchoAsync(b, "b2", cts.Token);
        var streamA = a.GetStream();
        a.Client.Shutdown(SocketShutdown.Send);
        var afterClose = await streamA.ReadAsync(new byte[16], cts.Token);
        var stillOpen = await EchoAsync(b, "b3", cts.Token);

        Assert.Equal(("a1", "b1", "a2", "b2"), (firstA, firstB, secondA, secondB));
        Assert.Equal(0, afterClose);
        Assert.Equal("b3", stillOpen);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_port_forward_ends_when_the_pod_is_deleted(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "web");
        await using var forward = cluster.Kubectl.StreamWith(Transport(websockets), "port-forward", "pod/web", ":80");
        var port = await LocalPortAsync(forward);
        (await cluster.Kubectl.RunAsync("delete", "pod", "web", "--wait=false")).EnsureSuccess();
        using var cts = new CancellationTokenSource(Timeout);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
        await tcp.GetStream().WriteAsync("hello"u8.ToArray(), cts.Token);
        var read = await tcp.GetStream().ReadAsync(new byte[16], cts.Token);

        Assert.Equal(0, read);
        Assert.True(await forward.WaitForExitAsync(Timeout), "kubectl port-forward keeps running after the forward failed");
        Assert.Contains("error forwarding port 80 to pod web", await forward.StderrAsync());
    }

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$")]
    private static partial Regex ForwardingLine();
}
