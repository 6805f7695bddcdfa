using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// The real kubectl with a kubeconfig from <c>ServerApi.IssueUserToken</c>, through gateway A (the agent's) and
/// through gateway B (which forwards to A), to an AgentK whose upstream is a KubeEmulator: reads, server-side
/// apply, watches, log follows, exec and port-forward, the identity the cluster sees, and refusals.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed partial class KubectlThroughTunnelTests(KubectlPlatformFixture platform)
{
    private const string Ns = KubectlPlatformFixture.Namespace;
    private const string Pod = KubectlPlatformFixture.Pod;

    // Generous: the CI machine has two cores and runs other suites at the same time.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Get_pods_in_all_namespaces_and_a_deployment_as_yaml(string gateway)
    {
        var kubectl = await KubectlAsync(gateway, "reader");

        var pods = await RunOkAsync(kubectl, "get", "pods", "-A");
        var deployment = await RunOkAsync(kubectl, "get", "deployment", "web", "-n", "demo", "-o", "yaml");

        Assert.Matches(@$"(?m)^{Ns}\s+{Pod}\s+1/1\s+Running\s", pods);
        Assert.Matches(@"(?m)^shop\s+frontend-\S+\s+1/1\s+Running\s", pods);
        Assert.Contains("kind: Deployment", deployment);
        Assert.Matches(@"(?m)^  name: web$", deployment);
        Assert.Matches(@"(?m)^  replicas: 2$", deployment);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Server_side_apply_creates_the_objects_of_a_file_and_delete_removes_them(string gateway)
    {
        var kubectl = await KubectlAsync(gateway, "applier");
        var name = $"applied-{gateway.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        var file = Path.Combine(Path.GetDirectoryName(kubectl.KubeconfigPath)!, name + ".yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {name}
              namespace: {Ns}
            data:
              color: blue
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {name}
              namespace: {Ns}
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: {name}
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
            """);

        var applied = await RunOkAsync(kubectl, "apply", "--server-side", "-f", file);
        var configMap = await platform.Cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync(name, Ns);
        var deployment = await platform.Cluster.Admin.AppsV1.ReadNamespacedDeploymentAsync(name, Ns);
        var deleted = await RunOkAsync(kubectl, "delete", "-f", file);

        Assert.Contains($"configmap/{name} serverside-applied", applied);
        Assert.Contains($"deployment.apps/{name} serverside-applied", applied);
        Assert.Equal("blue", configMap.Data["color"]);
        Assert.Contains(configMap.Metadata.ManagedFields, f => f.Manager == "kubectl" && f.Operation == "Apply");
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Contains($"configmap \"{name}\" deleted", deleted);
        Assert.Contains($"deployment.apps \"{name}\" deleted", deleted);
        await AssertGoneAsync(() => platform.Cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync(name, Ns));
        await AssertGoneAsync(() => platform.Cluster.Admin.AppsV1.ReadNamespacedDeploymentAsync(name, Ns));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task A_watch_sees_a_config_map_created_while_it_runs(string gateway)
    {
        var kubectl = await KubectlAsync(gateway, "watcher");
        var name = $"watched-{gateway.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        await using var watch = kubectl.Stream("get", "configmaps", "-n", Ns, "-w", "-o", "name");
        // The initial list is printed first; the watch then starts from its version, so nothing created after it is missed.
        await watch.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);

        await platform.Cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(
            new() { Metadata = new() { Name = name }, Data = new Dictionary<string, string> { ["k"] = "v" } }, Ns);

        await watch.WaitForLineAsync(l => l == $"configmap/{name}", StreamTimeout);
        Assert.False(watch.HasExited, watch.Stderr);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Logs_follow_the_lines_a_pod_writes_after_the_command_started(string gateway)
    {
        var kubectl = await KubectlAsync(gateway, "tailer");
        await using var logs = kubectl.Stream("logs", "-f", Pod, "-n", Ns, "--tail=1");

        var first = Sequence(await logs.WaitForLineAsync(l => LogLine().IsMatch(l), StreamTimeout));
        // The emulator writes a line every 250 ms; these ones were written after kubectl connected.
        var later = await logs.WaitForLineAsync(l => LogLine().IsMatch(l) && Sequence(l) >= first + 3, StreamTimeout);

        Assert.All(logs.Lines, l => Assert.Matches(LogLine(), l));
        var sequences = logs.Lines.Select(Sequence).ToList();
        Assert.Equal(Enumerable.Range(first, sequences.Count), sequences);
        Assert.StartsWith($"level=info container={Pod} ", later);
    }

    [Theory]
    [InlineData("A", true)]
    [InlineData("B", true)]
    [InlineData("A", false)]
    [InlineData("B", false)]
    public async Task Exec_prints_what_the_command_writes(string gateway, bool websockets)
    {
        var kubectl = await KubectlAsync(gateway, "executor");
        var before = Sessions("pods/exec");

        // kubectl 1.32 speaks WebSocket (v5.channel.k8s.io) by default; the variable makes it use SPDY/3.1.
        var result = await kubectl.RunWithAsync(
            new Dictionary<string, string> { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = websockets ? "true" : "false" }, null, CommandTimeout,
            "exec", Pod, "-n", Ns, "--", "echo", "hi");

        Assert.True(result.ExitCode == 0, platform.Describe(result));
        Assert.Equal("hi\n", result.Stdout);
        // No silent fallback from one transport to the other served the command.
        var (gets, posts) = Sessions("pods/exec");
        Assert.Equal(websockets ? (1L, 0L) : (0L, 1L), (gets - before.Gets, posts - before.Posts));
    }

    [Theory]
    [InlineData("A", true)]
    [InlineData("B", true)]
    [InlineData("A", false)]
    [InlineData("B", false)]
    public async Task Port_forward_reaches_the_server_in_the_pod_over_tcp_and_http(string gateway, bool websockets)
    {
        var kubectl = await KubectlAsync(gateway, "forwarder");
        var before = Sessions("pods/portforward");
        // kubectl 1.32 tunnels SPDY in a WebSocket by default; the variable makes it use plain SPDY/3.1.
        await using var forward = kubectl.StreamWith(
            new Dictionary<string, string> { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets ? "true" : "false" },
            "port-forward", $"pod/{Pod}", "-n", Ns, "--address", "127.0.0.1", ":80");
        var line = await forward.WaitForLineAsync(l => ForwardingLine().IsMatch(l), StreamTimeout);
        var port = int.Parse(ForwardingLine().Match(line).Groups[1].Value);
        using var cts = new CancellationTokenSource(StreamTimeout);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync("ping through two gateways"u8.ToArray(), cts.Token);
        var echoed = new byte["ping through two gateways".Length];
        await stream.ReadExactlyAsync(echoed, cts.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = StreamTimeout };
        var hello = await http.GetStringAsync("/hello", cts.Token);

        Assert.Equal("ping through two gateways", Encoding.UTF8.GetString(echoed));
        Assert.Equal($"Hello from the kube emulator: pod {Ns}/{Pod}, port 80, GET /hello\n", hello);
        Assert.False(forward.HasExited, forward.Stderr);
        var (gets, posts) = Sessions("pods/portforward");
        Assert.Equal(websockets ? (1L, 0L) : (0L, 1L), (gets - before.Gets, posts - before.Posts));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Auth_whoami_shows_the_impersonated_user_and_groups_not_the_agent(string gateway)
    {
        var user = "whoami-" + gateway.ToLowerInvariant();
        var kubectl = await KubectlAsync(gateway, user, ["team-a", "oncall"]);

        var review = JsonDocument.Parse(await RunOkAsync(kubectl, "auth", "whoami", "-o", "json")).RootElement;

        var info = review.GetProperty("status").GetProperty("userInfo");
        Assert.Equal($"plural:user:{user}", info.GetProperty("username").GetString());
        var groups = info.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("plural:user", groups);
        Assert.Contains("team-a", groups);
        Assert.Contains("oncall", groups);
        Assert.DoesNotContain(groups, g => g!.Contains("serviceaccount", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task An_expired_token_is_refused_and_kubectl_prints_why(string gateway)
    {
        // kubectl prints its own words for a failed discovery; the server's message shows on the request after it.
        // A user whose token expired has discovery cached from earlier commands, which this cache stands for.
        var earlier = await KubectlAsync(gateway, "expiring");
        await RunOkAsync(earlier, "get", "pods", "-n", Ns);
        var (cold, _) = await platform.KubectlAsync(gateway, "expiring", [], ttlSeconds: 1);
        var (warm, _) = await platform.KubectlAsync(gateway, "expiring", [], ttlSeconds: 1, sharingCacheWith: earlier);
        await Task.Delay(TimeSpan.FromSeconds(3)); // past the 1 s lifetime and the gateways' 0.5 s token cache

        var refused = await warm.RunAsync(CommandTimeout, "get", "pods", "-n", Ns);
        var refusedInDiscovery = await cold.RunAsync(CommandTimeout, "get", "pods", "-n", Ns);

        Assert.True(refused.ExitCode == 1, platform.Describe(refused));
        Assert.True(refused.Stderr.Contains("error: You must be logged in to the server (user token expired)"), platform.Describe(refused));
        Assert.True(refusedInDiscovery.ExitCode == 1, platform.Describe(refusedInDiscovery));
        Assert.True(refusedInDiscovery.Stderr.Contains("You must be logged in to the server"), platform.Describe(refusedInDiscovery));
        Assert.Equal("", refused.Stdout + refusedInDiscovery.Stdout);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task A_token_for_another_agent_is_refused_and_kubectl_prints_why(string gateway)
    {
        var earlier = await KubectlAsync(gateway, "mallory");
        await RunOkAsync(earlier, "get", "pods", "-n", Ns);
        // Kubeconfigs for the other agent; the user points kubectl at this one.
        var (warm, _) = await platform.KubectlAsync(gateway, "mallory", [], platform.OtherAgent, sharingCacheWith: earlier);
        var (cold, _) = await platform.KubectlAsync(gateway, "mallory", [], platform.OtherAgent);

        var refused = await warm.RunAsync(CommandTimeout, "--server", platform.ServerUrl(gateway), "get", "pods", "-n", Ns);
        var refusedInDiscovery = await cold.RunAsync(CommandTimeout, "--server", platform.ServerUrl(gateway), "get", "pods", "-n", Ns);

        Assert.True(refused.ExitCode == 1, platform.Describe(refused));
        Assert.True(refused.Stderr.Contains(
            $"Error from server (Forbidden): user \"mallory\" may not access agent \"{platform.Agent.Name}\""), platform.Describe(refused));
        Assert.True(refusedInDiscovery.ExitCode == 1, platform.Describe(refusedInDiscovery));
        Assert.True(refusedInDiscovery.Stderr.Contains("Forbidden", StringComparison.OrdinalIgnoreCase), platform.Describe(refusedInDiscovery));
        Assert.Equal("", refused.Stdout + refusedInDiscovery.Stdout);
    }

    private async Task<Kubectl> KubectlAsync(string gateway, string user, string[]? groups = null) =>
        (await platform.KubectlAsync(gateway, user, groups ?? [])).Kubectl;

    private async Task<string> RunOkAsync(Kubectl kubectl, params string[] args)
    {
        var result = await kubectl.RunAsync(CommandTimeout, args);
        Assert.True(result.ExitCode == 0, platform.Describe(result));
        return result.Stdout;
    }

    /// <summary>WebSocket sessions are GETs and SPDY ones POSTs (<c>create</c>), as the emulator counts them.</summary>
    private (long Gets, long Posts) Sessions(string subresource) =>
        (platform.Cluster.Server.Requests.Count("get", subresource), platform.Cluster.Server.Requests.Count("create", subresource));

    private static async Task AssertGoneAsync(Func<Task> read)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(read);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    private static int Sequence(string line) => int.Parse(LogLine().Match(line).Groups[1].Value);

    [GeneratedRegex(@"^level=info container=\S+ seq=(\d+) ")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> 80$")]
    private static partial Regex ForwardingLine();
}
