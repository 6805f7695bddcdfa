using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// What a kubectl user sees when the way to a cluster breaks: a gateway killed under a running watch, an agent that
/// went away or never came. A class (and platform) of its own, because it kills parts the other classes rely on.
/// </summary>
public sealed partial class KubectlFailureTests(KubectlPlatformFixture platform) : IClassFixture<KubectlPlatformFixture>
{
    private const string Ns = KubectlPlatformFixture.Namespace;

    // Generous: the CI machine has two cores and runs other suites at the same time.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a broken watch may take to end; a hang would last until the test's own timeouts.</summary>
    private static readonly TimeSpan WatchEndBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_watch_through_gateway_B_ends_with_an_error_when_gateway_A_dies_and_a_new_watch_works_after_the_agent_reconnects()
    {
        var (kubectl, _) = await platform.KubectlAsync("B", "survivor", []);
        await using var watch = kubectl.Stream("get", "configmaps", "-n", Ns, "-w", "-o", "name");
        await watch.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);
        var exitCode = 0;
        var ended = TimeSpan.Zero;
        var down = DateTimeOffset.MinValue;

        await platform.KillAndRestartGatewayAsync("A", whileDown: async () =>
        {
            down = DateTimeOffset.UtcNow;
            // Gateway A stays down until the watch has ended, so nothing but A's death can have ended it.
            var clock = Stopwatch.StartNew();
            exitCode = await watch.ExitCodeAsync(WatchEndBound);
            ended = clock.Elapsed;
        });
        await platform.WaitUntilConnectedToAAsync(platform.Agent.Name, connectedAfter: down);
        await using var again = kubectl.Stream("get", "configmaps", "-n", Ns, "-w", "-o", "name");
        await again.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);
        var name = $"after-restart-{Guid.NewGuid().ToString("N")[..6]}";
        await platform.Cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(new() { Metadata = new() { Name = name } }, Ns);

        Assert.True(exitCode != 0, $"the watch ended without an error after {ended}; stderr: {watch.Stderr}");
        Assert.Contains("error", watch.Stderr, StringComparison.OrdinalIgnoreCase);
        await again.WaitForLineAsync(l => l == $"configmap/{name}", StreamTimeout);
        Assert.False(again.HasExited, again.Stderr);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Kubectl_with_a_request_timeout_gets_the_gateways_answer_before_it_gives_up(string gateway)
    {
        var (agent, agentProcess) = await platform.StartAnotherAgentAsync("timeout-" + gateway.ToLowerInvariant());
        var (kubectl, _) = await platform.KubectlAsync(gateway, "impatient", [], agent);
        // Discovery is cached by a first command, so the next one is a single request carrying ?timeout=3s.
        (await kubectl.RunAsync(CommandTimeout, "get", "pods", "-n", Ns)).EnsureSuccess();
        await agentProcess.DisposeAsync();
        await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected);

        var clock = Stopwatch.StartNew();
        var refused = await kubectl.RunAsync(CommandTimeout, "--request-timeout=3s", "get", "pods", "-n", Ns);
        var took = clock.Elapsed;

        // kubectl's own give-up reads "context deadline exceeded" or "Client.Timeout exceeded"; the gateway's answer
        // names the agent. Without the client's timeout the gateway would wait its configured 10 s.
        Assert.True(refused.ExitCode == 1, platform.Describe(refused));
        Assert.True(refused.Stderr.Contains($"Error from server (ServiceUnavailable): agent \"{agent.Name}\" is not connected"), platform.Describe(refused));
        Assert.DoesNotContain("exceeded", refused.Stderr);
        Assert.True(took < TimeSpan.FromSeconds(8), $"kubectl took {took}; {platform.Describe(refused)}");
    }

    [Fact]
    public async Task Kubectl_with_a_request_timeout_gets_a_504_when_every_tunnel_of_the_agent_is_busy()
    {
        // One tunnel in all, and a watch holds it.
        var (agent, agentProcess) = await platform.StartAnotherAgentAsync("busy", "--Agent:Tunnels:MinIdle=1", "--Agent:Tunnels:MaxTotal=1");
        await using var _ = agentProcess;
        var (kubectl, _) = await platform.KubectlAsync("A", "crowded", [], agent);
        (await kubectl.RunAsync(CommandTimeout, "get", "pods", "-n", Ns)).EnsureSuccess();
        await using var watch = kubectl.Stream("get", "configmaps", "-n", Ns, "-w", "-o", "name");
        await watch.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);

        var refused = await kubectl.RunAsync(CommandTimeout, "--request-timeout=3s", "get", "pods", "-n", Ns);

        Assert.True(refused.ExitCode == 1, platform.Describe(refused));
        Assert.True(refused.Stderr.Contains(
            $"Error from server (Timeout): agent \"{agent.Name}\" is connected but no tunnel became free within 2s"), platform.Describe(refused));
        Assert.False(watch.HasExited, watch.Stderr);
    }

    [Fact]
    public async Task Kubectl_is_told_which_agent_is_not_connected_and_when_it_was_last_seen()
    {
        var (agent, agentProcess) = await platform.StartAnotherAgentAsync("gone");
        var (kubectl, _) = await platform.KubectlAsync("B", "curious", [], agent);
        (await kubectl.RunAsync(CommandTimeout, "auth", "whoami")).EnsureSuccess();
        var beforeKill = DateTimeOffset.UtcNow;
        await agentProcess.DisposeAsync();
        await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected);
        var (neverKubectl, _) = await platform.KubectlAsync("B", "curious", [], platform.OtherAgent);

        // whoami needs no discovery, so kubectl prints the gateway's message as it is.
        var gone = await kubectl.RunAsync(CommandTimeout, "--request-timeout=5s", "auth", "whoami");
        var never = await neverKubectl.RunAsync(CommandTimeout, "--request-timeout=5s", "auth", "whoami");

        Assert.True(gone.ExitCode == 1, platform.Describe(gone));
        var lastSeen = LastSeen().Match(gone.Stderr);
        Assert.True(lastSeen.Success, platform.Describe(gone));
        Assert.Equal(agent.Name, lastSeen.Groups["agent"].Value);
        var at = DateTimeOffset.ParseExact(lastSeen.Groups["at"].Value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        // Whole seconds, and a lapsed lease shows its last renewal, up to a renewal interval (0.5 s here) before the kill.
        Assert.InRange(at, beforeKill.AddSeconds(-5), DateTimeOffset.UtcNow);
        Assert.True(never.ExitCode == 1, platform.Describe(never));
        Assert.True(never.Stderr.Contains(
            $"Error from server (ServiceUnavailable): agent \"{platform.OtherAgent.Name}\" is not connected (never connected)"), platform.Describe(never));
    }

    [GeneratedRegex("""Error from server \(ServiceUnavailable\): agent "(?<agent>[^"]+)" is not connected \(last seen (?<at>\S+Z)\)""")]
    private static partial Regex LastSeen();
}
