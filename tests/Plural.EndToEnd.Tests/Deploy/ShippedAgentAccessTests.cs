using Plural.EndToEnd.Tests.KubernetesProxy;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// kubectl through the tunnel of the agent installed from <c>deploy/agentk</c>: whatever identity the agent's access
/// mode gives the cluster, the cluster's RBAC decides, and its refusals reach the user word for word.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class ShippedAgentAccessTests(KubectlPlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_impersonated_user_bound_to_view_in_one_namespace_reads_there_and_gets_the_api_servers_403_elsewhere()
    {
        await using var shipped = await ShippedAgent.InstallAsync(platform);
        (await shipped.Admin.RunAsync("create", "rolebinding", "jane-view", "-n", "demo", "--clusterrole=view", "--user=plural:user:jane")).EnsureSuccess();
        var pod = (await shipped.Admin.RunAsync("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")).EnsureSuccess().Stdout.Trim();
        var jane = await shipped.UserKubectlAsync("B", "jane");

        var get = await jane.RunAsync("get", "pod", pod, "-n", "demo", "-o", "name");
        var delete = await jane.RunAsync("delete", "pod", pod, "-n", "demo");
        var elsewhere = await jane.RunAsync("get", "pods", "-n", "shop");
        var canDelete = await jane.RunAsync("auth", "can-i", "delete", "pods", "-n", "demo");
        var rulesInDemo = await jane.RunAsync("auth", "can-i", "--list", "-n", "demo");
        var rulesInShop = await jane.RunAsync("auth", "can-i", "--list", "-n", "shop");

        Assert.True(get.ExitCode == 0, shipped.Describe(get));
        Assert.Equal($"pod/{pod}", get.Stdout.Trim());
        Assert.Equal($"Error from server (Forbidden): pods \"{pod}\" is forbidden: User \"plural:user:jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"demo\"",
            delete.Stderr.Trim());
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"plural:user:jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"",
            elsewhere.Stderr.Trim());
        Assert.Equal((1, "no"), (canDelete.ExitCode, canDelete.Stdout.Trim()));
        Assert.True(rulesInDemo.ExitCode == 0, shipped.Describe(rulesInDemo));
        Assert.Matches(@"(?m)^pods\s+\[\]\s+\[\]\s+\[get list watch\]", rulesInDemo.Stdout);
        Assert.Matches(@"(?m)^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]", rulesInDemo.Stdout);
        Assert.DoesNotMatch(@"(?m)^pods\s", rulesInShop.Stdout);
        Assert.Matches(@"(?m)^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]", rulesInShop.Stdout);
        Assert.Equal("Running", (await shipped.Admin.RunAsync("get", "pod", pod, "-n", "demo", "-o", "jsonpath={.status.phase}")).EnsureSuccess().Stdout);
    }

    [Fact]
    public async Task The_fixed_identity_and_the_agents_service_account_are_each_judged_by_their_own_rights()
    {
        await using var shipped = await ShippedAgent.InstallAsync(platform);
        (await shipped.Admin.RunAsync("create", "rolebinding", "deployers-edit", "-n", "shop", "--clusterrole=edit", "--group=deployers")).EnsureSuccess();
        var alice = await shipped.UserKubectlAsync("A", "alice");

        // Fixed identity: whoever calls, the cluster sees deploy-bot in group deployers, which may edit shop and nothing else.
        await SetAccessAsync(shipped, alice, new AgentAccess { Mode = ClusterIdentityMode.FixedIdentity, FixedUser = "deploy-bot", FixedGroups = { "deployers" } }, "deploy-bot");
        var created = await alice.RunAsync("create", "configmap", "from-bot", "-n", "shop", "--from-literal=by=deploy-bot");
        var botElsewhere = await alice.RunAsync("get", "pods", "-n", "demo");

        Assert.True(created.ExitCode == 0, shipped.Describe(created));
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"deploy-bot\" cannot list resource \"pods\" in API group \"\" in the namespace \"demo\"",
            botElsewhere.Stderr.Trim());

        // The agent's service account: the shipped ClusterRole reads everywhere and writes nothing.
        await SetAccessAsync(shipped, alice, new AgentAccess { Mode = ClusterIdentityMode.AgentServiceAccount }, ShippedAgent.ServiceAccountUser);
        var everywhere = await alice.RunAsync("get", "pods", "-A", "-o", "name");
        var agentDelete = await alice.RunAsync("delete", "configmap", "from-bot", "-n", "shop");
        var canDelete = await alice.RunAsync("auth", "can-i", "delete", "configmaps", "-n", "shop");

        Assert.True(everywhere.ExitCode == 0, shipped.Describe(everywhere));
        Assert.Contains("pod/", everywhere.Stdout);
        Assert.Equal($"Error from server (Forbidden): configmaps \"from-bot\" is forbidden: User \"{ShippedAgent.ServiceAccountUser}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"shop\"",
            agentDelete.Stderr.Trim());
        Assert.Equal((1, "no"), (canDelete.ExitCode, canDelete.Stdout.Trim()));
        Assert.NotNull(await shipped.Cluster.FindConfigMapAsync("shop", "from-bot"));
    }

    /// <summary>Sets the agent's access mode and waits until the gateways' policy cache shows it to <paramref name="kubectl"/>.</summary>
    private async Task SetAccessAsync(ShippedAgent shipped, Kubectl kubectl, AgentAccess access, string seenAs)
    {
        access.Name = shipped.Agent.Name;
        await platform.Gateway("A").Api.SetAgentAccessAsync(new SetAgentAccessRequest { Access = access });
        await Eventually.UntilAsync(() => kubectl.RunAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"),
            r => r.ExitCode == 0 && r.Stdout.Trim() == seenAs, Patience, $"the cluster seeing {seenAs}");
    }
}
