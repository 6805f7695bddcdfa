using k8s;
using k8s.Autorest;
using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.EndToEnd.Tests.AgentGitOps;

/// <summary>
/// A real AgentK process between a gateway that sends agent configuration and manifest syncs down its session and an
/// emulated cluster: what the platform team puts in Git ends up in the cluster, and the agent says so.
/// </summary>
public sealed class AgentGitOpsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_agent_process_puts_its_configuration_in_force_and_applies_prunes_and_repairs_manifests()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var gateway = await GitOpsGateway.StartAsync();
        await gateway.PublishAsync(new AgentConfig { Version = "cfg-1", CachedKinds = { "deployments", "v1/namespaces", "gadgets" }, ReapplyIntervalSeconds = 1 });
        await gateway.PublishAsync(Sync("c1", Manifest.ConfigMap("settings", "hello"), Manifest.ConfigMap("legacy", "old"), Manifest.Namespace("shop")));
        await using var agent = StartAgent(cluster, gateway);

        var applied = await FirstAsync(() => gateway.ConfigsApplied.FirstOrDefault(c => c.Version == "cfg-1"), agent, "the configuration answered");
        Assert.Equal(["deployments", "namespaces"], applied.CachedKinds);
        Assert.StartsWith("gadgets: ", Assert.Single(applied.RejectedKinds));
        Assert.Contains("gitops.v1", gateway.Hellos.First().Capabilities);
        var first = await FirstAsync(() => gateway.Reports.FirstOrDefault(r => r.Commit == "c1"), agent, "the first sync reported");
        Assert.All(first.Objects, o => Assert.Equal(ObjectSyncState.Applied, o.State));
        Assert.Equal("hello", (await cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop")).Data["greeting"]);

        await gateway.PublishAsync(Sync("c2", Manifest.ConfigMap("settings", "bonjour"), Manifest.Namespace("shop")));

        var second = await FirstAsync(() => gateway.Reports.FirstOrDefault(r => r.Commit == "c2" && !r.Reapply), agent, "the second sync reported");
        Assert.Contains(second.Objects, o => o is { Name: "legacy", State: ObjectSyncState.Pruned });
        Assert.Equal("bonjour", (await cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop")).Data["greeting"]);
        Assert.True(await IsGoneAsync(() => cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync("legacy", "shop")));

        await cluster.Admin.CoreV1.DeleteNamespacedConfigMapAsync("settings", "shop");
        await FirstAsync(async () => !await IsGoneAsync(() => cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop")) ? "back" : null,
            agent, "the deleted ConfigMap re-applied");
    }

    [Fact]
    public async Task A_restarted_agent_prunes_from_the_inventory_it_left_in_the_cluster()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var gateway = await GitOpsGateway.StartAsync();
        await gateway.PublishAsync(Sync("c1", Manifest.Namespace("shop"), Manifest.ConfigMap("settings", "hello"), Manifest.ConfigMap("legacy", "old")));
        var agent = StartAgent(cluster, gateway);
        await FirstAsync(() => gateway.Reports.FirstOrDefault(r => r.Commit == "c1"), agent, "the first sync reported");
        await agent.KillAsync();
        await agent.DisposeAsync();

        // While the agent is away a commit drops an object; the restarted agent hears of it only after its welcome.
        await gateway.PublishAsync(Sync("c2", Manifest.Namespace("shop"), Manifest.ConfigMap("settings", "hello")));
        await using var restarted = StartAgent(cluster, gateway);

        var report = await FirstAsync(() => gateway.Reports.FirstOrDefault(r => r.Commit == "c2"), restarted, "the restarted agent reported");
        Assert.Contains(report.Objects, o => o is { Name: "legacy", State: ObjectSyncState.Pruned });
        Assert.True(await IsGoneAsync(() => cluster.Admin.CoreV1.ReadNamespacedConfigMapAsync("legacy", "shop")));
    }

    private static ProductProcess StartAgent(EmulatedCluster cluster, GitOpsGateway gateway) => ProductProcess.Start("AgentK",
        cluster.AgentArgs(
            $"--Agent:GatewayUrl={gateway.Address}",
            "--Agent:Token=gitops-e2e-token",
            "--Agent:InstanceId=gitops-e2e",
            $"--Agent:Upstream:Url={cluster.Server.Url.ToString().TrimEnd('/')}",
            "--Agent:ObservabilityUrl=",
            "--Agent:Reconnect:InitialBackoff=00:00:00.200",
            "--Agent:Reconnect:MaxBackoff=00:00:01",
            "--Agent:GitOps:InventoryNamespace=default",
            "--Agent:GitOps:MinReapplyInterval=00:00:01"),
        name: "AgentK gitops");

    private static ManifestSync Sync(string commit, params string[] documents)
    {
        var sync = new ManifestSync { Target = "shop", Repository = "https://git.example/shop.git", Commit = commit, DefaultNamespace = "shop", Prune = true };
        sync.Documents.AddRange(documents.Select((yaml, i) => new ManifestDocument { Path = "deploy/shop.yaml", Index = i, Yaml = yaml }));
        return sync;
    }

    private static Task<T> FirstAsync<T>(Func<T?> find, ProductProcess agent, string what) where T : class =>
        FirstAsync(() => Task.FromResult(find()), agent, what);

    private static async Task<T> FirstAsync<T>(Func<Task<T?>> find, ProductProcess agent, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await find() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}\n{agent.Output}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<bool> IsGoneAsync<T>(Func<Task<T>> read)
    {
        try
        {
            await read();
            return false;
        }
        catch (HttpOperationException missing) when (missing.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    private static class Manifest
    {
        public static string Namespace(string name) => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n";

        public static string ConfigMap(string name, string value) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  greeting: {value}\n";
    }
}
