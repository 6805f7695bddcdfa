using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>
/// Real kubectl running commands in emulated containers, once over WebSocket (kubectl 1.32's default,
/// <c>v5.channel.k8s.io</c>) and once over SPDY/3.1 (<c>KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false</c>).
/// </summary>
public sealed class KubectlExecTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    public static TheoryData<bool> Transports => new() { true, false };

    private static Dictionary<string, string> Transport(bool websockets) => new() { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = websockets ? "true" : "false" };

    private static Task<KubectlResult> ExecAsync(TestCluster cluster, bool websockets, string? stdin, params string[] args) =>
        cluster.Kubectl.RunWithAsync(Transport(websockets), stdin, Timeout, ["exec", .. args]);

    /// <summary>WebSocket sessions are GETs, SPDY sessions POSTs: the counter shows which transport really served the command.</summary>
    private static void AssertTransport(TestCluster cluster, bool websockets, int sessions = 1)
    {
        Assert.Equal(websockets ? sessions : 0, cluster.Server.Requests.Count("get", "pods/exec"));
        Assert.Equal(websockets ? 0 : sessions, cluster.Server.Requests.Count("create", "pods/exec"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_prints_what_the_command_writes(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var result = await ExecAsync(cluster, websockets, null, "box", "--", "echo", "hi");

        result.EnsureSuccess();
        Assert.Equal("hi\n", result.Stdout);
        AssertTransport(cluster, websockets);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_with_stdin_round_trips_data_through_cat(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        var data = string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i} of the input\n"));

        var small = await ExecAsync(cluster, websockets, "data\n", "-i", "box", "--", "cat");
        var large = await ExecAsync(cluster, websockets, data, "-i", "box", "--", "cat");

        Assert.Equal("data\n", small.EnsureSuccess().Stdout);
        Assert.Equal(data, large.EnsureSuccess().Stdout);
        AssertTransport(cluster, websockets, sessions: 2);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_exits_with_the_exit_code_of_the_command(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var exited = await ExecAsync(cluster, websockets, null, "box", "--", "sh", "-c", "exit 3");
        var failed = await ExecAsync(cluster, websockets, null, "box", "--", "false");

        Assert.Equal(3, exited.ExitCode);
        Assert.Contains("command terminated with exit code 3", exited.Stderr);
        Assert.Equal(1, failed.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_of_an_unknown_executable_reports_the_runtime_error_and_exit_code(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var direct = await ExecAsync(cluster, websockets, null, "box", "--", "foo");
        var inShell = await ExecAsync(cluster, websockets, null, "box", "--", "sh", "-c", "foo");

        Assert.Equal(126, direct.ExitCode);
        Assert.Contains("exec: \"foo\": executable file not found in $PATH", direct.Stderr);
        Assert.Contains("command terminated with exit code 126", direct.Stderr);
        Assert.Equal(127, inShell.ExitCode);
        Assert.Contains("sh: 1: foo: not found", inShell.Stderr);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_keeps_stdout_and_stderr_apart(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var result = await ExecAsync(cluster, websockets, null, "box", "--", "sh", "-c", "echo out; echo err >&2; echo $GREETING; hostname");

        result.EnsureSuccess();
        Assert.Equal("out\nhello from box\nbox\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_runs_shell_commands_read_from_stdin(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var result = await ExecAsync(cluster, websockets, "cd /etc\npwd\necho first | cat\nfalse || echo second\nexit 4\necho never\n", "-i", "box", "--", "sh");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("/etc\nfirst\nsecond\n", result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_exec_into_a_missing_pod_or_container_fails_with_the_server_message(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "duo", "default", "app", "sidecar");

        var missingPod = await ExecAsync(cluster, websockets, null, "ghost", "--", "true");
        var missingContainer = await ExecAsync(cluster, websockets, null, "duo", "-c", "nope", "--", "true");
        var sidecar = await ExecAsync(cluster, websockets, null, "duo", "-c", "sidecar", "--", "printenv", "GREETING");

        Assert.NotEqual(0, missingPod.ExitCode);
        Assert.Contains("pods \"ghost\" not found", missingPod.Stderr);
        Assert.NotEqual(0, missingContainer.ExitCode);
        Assert.Contains("container nope is not valid for pod duo", missingContainer.Stderr);
        Assert.Equal("hello from sidecar\n", sidecar.EnsureSuccess().Stdout);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Kubectl_attach_shows_the_main_process_output_and_echoes_stdin(bool websockets)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        await using var attach = cluster.Kubectl.StreamWith(Transport(websockets), "attach", "-i", "box");

        await attach.WriteInputAsync("hello attach\n");

        await attach.WaitForLineAsync(l => l == "hello attach", Timeout);
        await attach.WaitForLineAsync(l => l.StartsWith("level=info container=box seq=", StringComparison.Ordinal), Timeout);
        Assert.Equal(websockets ? 1 : 0, cluster.Server.Requests.Count("get", "pods/attach"));
    }
}
