using System.Net.WebSockets;
using System.Text;
using k8s;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The KubernetesClient library's WebSocket exec (<c>v4.channel.k8s.io</c>) against emulated containers.</summary>
public sealed class KubernetesClientExecTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KubernetesClient_exec_returns_the_output_and_the_exit_code()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var client = cluster.Client();
        using var cts = new CancellationTokenSource(Timeout);
        string stdout = "", stderr = "";

        var exitCode = await client.NamespacedPodExecAsync("box", "default", "box", ["sh", "-c", "echo out; echo err >&2; exit 7"], tty: false, async (_, output, errors) =>
        {
            stdout = await new StreamReader(output).ReadToEndAsync(cts.Token);
            stderr = await new StreamReader(errors).ReadToEndAsync(cts.Token);
        }, cts.Token);

        Assert.Equal(7, exitCode);
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
        Assert.Equal(1, cluster.Server.Requests.Count("get", "pods/exec"));
    }

    [Fact]
    public async Task KubernetesClient_exec_with_a_terminal_runs_an_interactive_shell()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var client = cluster.Client();
        using var cts = new CancellationTokenSource(Timeout);

        using var socket = await client.WebSocketNamespacedPodExecAsync("box", "default", ["sh"], "box", tty: true, cancellationToken: cts.Token);
        var prompt = await ChannelMessages.ReceiveUntilAsync(socket, 1, "# ", cts.Token);
        await ChannelMessages.SendAsync(socket, 4, """{"Width":120,"Height":40}""", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "echo $TERM\r", cts.Token);
        var echoed = await ChannelMessages.ReceiveUntilAsync(socket, 1, "xterm\r\n# ", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "exit 2\r", cts.Token);
        var rest = await ChannelMessages.ReceiveAllAsync(socket, cts.Token);

        Assert.Equal("# ", prompt);
        // The terminal echoes the typed line before the shell can read it, so the echo always comes first.
        Assert.Equal("echo $TERM\r\nxterm\r\n# ", echoed);
        Assert.Contains("\"reason\":\"NonZeroExitCode\"", rest[3]);
        Assert.Contains("{\"reason\":\"ExitCode\",\"message\":\"2\"}", rest[3]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Ctrl_C_on_the_terminal_interrupts_the_foreground_command()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var client = cluster.Client();
        using var cts = new CancellationTokenSource(Timeout);

        using var socket = await client.WebSocketNamespacedPodExecAsync("box", "default", ["sh"], "box", tty: true, cancellationToken: cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket, 1, "# ", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "sleep 600\r", cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket, 1, "sleep 600\r\n", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "\u0003", cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket, 1, "^C\r\n# ", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "echo status=$?\r", cts.Token);
        var status = await ChannelMessages.ReceiveUntilAsync(socket, 1, "status=130\r\n", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "sleep 600; echo not reached\r", cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket, 1, "not reached\r\n", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "\u0003", cts.Token);
        await ChannelMessages.ReceiveUntilAsync(socket, 1, "^C\r\n# ", cts.Token);
        await ChannelMessages.SendAsync(socket, 0, "exit\r", cts.Token);
        var rest = await ChannelMessages.ReceiveAllAsync(socket, cts.Token);

        Assert.Contains("status=130", status);
        Assert.DoesNotContain("not reached\r\n", rest.GetValueOrDefault((byte)1, ""));
        // $? is still 130 from the interrupted line, and a bare exit keeps it.
        Assert.Equal("""{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh], exit code 130","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"130"}]}}""", rest[3]);
    }

    [Fact]
    public async Task KubernetesClient_exec_of_a_missing_pod_is_refused_with_404()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        using var http = cluster.Http();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => client.WebSocketNamespacedPodExecAsync("ghost", "default", ["true"], "c", tty: false));
        var plain = await http.GetAsync("/api/v1/namespaces/default/pods/ghost/exec?command=true&stdout=1");

        Assert.Contains("'404'", error.Message);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, plain.StatusCode);
        Assert.Equal("pods \"ghost\" not found", (await StatusBody.ReadAsync(plain)).Message);
    }
}
