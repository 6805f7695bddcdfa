using Plural.EndToEnd.Tests.KubernetesProxy;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Agents;

/// <summary>
/// The health of an agent's gateway connection as an operator reads it from <c>GetAgent</c>: a tunnel pool whose every
/// stream is busy, and a CA the agent pins that is about to expire (the test CA is valid for a day, within the default
/// warning of 14 days).
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class ConnectionConditionsTests(KubectlPlatformFixture platform)
{
    private const string Ns = KubectlPlatformFixture.Namespace;

    [Fact]
    public async Task An_agent_reports_its_pinned_ca_expiring_and_its_tunnel_pool_full_while_every_stream_is_busy()
    {
        var (agent, process) = await platform.StartAnotherAgentAsync("pool",
            "--Agent:Tunnels:MinIdle=1", "--Agent:Tunnels:MaxTotal=2", $"--Agent:GatewayCaFile={platform.AuthorityFile}");
        await using var _ = process;
        var (_, issued) = await platform.KubectlAsync("A", "watcher", [], agent);
        using var client = platform.HttpClient("A", issued.Token);

        var idle = await platform.WaitForAgentAsync(agent.Name, a => Condition(a, "tunnels") is { Ok: true } && Condition(a, "certificates") is not null);
        using var first = await WatchAsync(client, agent.Name);
        using var second = await WatchAsync(client, agent.Name);
        var full = await platform.WaitForAgentAsync(agent.Name, a => Condition(a, "tunnels") is { Ok: false });

        Assert.Matches(@"^\d of at most 2 tunnel streams open, \d idle$", Condition(idle, "tunnels")!.Message);
        Assert.Equal("all 2 tunnel streams are busy (Agent:Tunnels:MaxTotal); further requests wait at the gateway", Condition(full, "tunnels")!.Message);
        var certificates = Condition(idle, "certificates")!;
        Assert.False(certificates.Ok);
        Assert.Matches(@"^the gateway CA file \(Agent:GatewayCaFile\) expires at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, in \d+ hours$", certificates.Message);        // Built from the same checkout as the gateway: within the skew policy, as the gateway judged it.
        var version = Condition(idle, "version")!;
        Assert.True(version.Ok, version.Message);
        Assert.Matches(@"^agent \d+\.\d+\.\d+ with gateway \d+\.\d+\.\d+$", version.Message);
    }

    /// <summary>A watch through the Kubernetes proxy, held open (and its tunnel stream busy) until disposed.</summary>
    private static async Task<HttpResponseMessage> WatchAsync(HttpClient client, string agent)
    {
        var response = await client.GetAsync($"/k8s-proxy/{agent}/api/v1/namespaces/{Ns}/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static AgentCondition? Condition(Agent agent, string type) =>
        agent.Status.Connections.SelectMany(c => c.Conditions).FirstOrDefault(c => c.Type == type);
}
