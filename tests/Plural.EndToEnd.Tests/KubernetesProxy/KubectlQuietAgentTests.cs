using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// A quiet agent keeps no tunnel stream parked on its gateway (each costs the gateway memory); kubectl's next command,
/// through the agent's gateway or through the other one, gets its answer all the same: the gateway asks the agent
/// for a stream over its session.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class KubectlQuietAgentTests(KubectlPlatformFixture platform)
{
    private const string Ns = KubectlPlatformFixture.Namespace;
    private const string Pod = KubectlPlatformFixture.Pod;

    // Generous: the CI machine has two cores and runs other suites at the same time.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan QuietBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public async Task Kubectl_gets_its_answer_from_a_quiet_agent_that_holds_no_tunnel(string gateway)
    {
        // Two-second idle times (AgentProcess): the agent is quiet two seconds after its last request.
        var (agent, agentProcess) = await platform.StartAnotherAgentAsync("quiet-" + gateway.ToLowerInvariant(), "--Agent:Tunnels:QuietMinIdle=0");
        await using var _ = agentProcess;
        var (kubectl, _) = await platform.KubectlAsync(gateway, "occasional", [], agent);
        (await kubectl.RunAsync(CommandTimeout, "get", "pods", "-n", Ns)).EnsureSuccess();

        await Eventually.UntilAsync(agentProcess.TotalTunnelsAsync, total => total == 0, QuietBound, "the quiet agent holding no tunnel");
        var answered = await kubectl.RunAsync(CommandTimeout, "--request-timeout=10s", "get", "pod", Pod, "-n", Ns, "-o", "name");

        Assert.True(answered.ExitCode == 0, platform.Describe(answered));
        Assert.Equal($"pod/{Pod}", answered.Stdout.Trim());
        Assert.True(await agentProcess.TotalTunnelsAsync() >= 1, "the agent opened no tunnel when asked");
    }
}
