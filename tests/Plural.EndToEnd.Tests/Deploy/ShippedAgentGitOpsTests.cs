using k8s;
using Grpc.Core;
using Plural.EndToEnd.Tests.KubernetesProxy;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// The agent installed from <c>deploy/agentk</c>, with nothing but its shipped RBAC, keeps a GitOps project in sync:
/// the project applies as the service account it names, which the operator bound to its namespace, and whatever that
/// account may not write is reported in the sync status with the API server's reason.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class ShippedAgentGitOpsTests(KubectlPlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string ProjectUser = "system:serviceaccount:storefront:plural-gitops";

    private static readonly string Config = """
        cache:
          kinds:
            - pods
            - resource: services
              fields: [spec.selector.app]
        gitops:
          reapplyInterval: 1s
          projects:
            - name: storefront
              paths: [deploy]
              namespace: storefront
              serviceAccount: plural-gitops
              prune: true
        """;

    [Fact]
    public async Task The_shipped_agent_applies_repairs_drift_and_prunes_as_the_projects_service_account_and_reports_what_it_may_not_write()
    {
        await using var git = await GitDaemon.StartAsync();
        await using var shipped = await ShippedAgent.InstallAsync(platform, "--Agent:GitOps:MinReapplyInterval=00:00:01");
        var api = platform.Gateway("A").Api;
        var name = shipped.Agent.Name;
        // The operator gives the project its namespace's rights, as docs/gitops.md says.
        (await shipped.Admin.RunAsync("create", "namespace", "storefront")).EnsureSuccess();
        (await shipped.Admin.RunAsync("create", "serviceaccount", "plural-gitops", "-n", "storefront")).EnsureSuccess();
        (await shipped.Admin.RunAsync("create", "rolebinding", "plural-gitops", "-n", "storefront", "--clusterrole=edit", "--serviceaccount=storefront:plural-gitops")).EnsureSuccess();
        var repo = "fleet-" + name;
        var first = git.Create(repo, new Dictionary<string, string>
        {
            [$".plural/agents/{name}/config.yaml"] = Config,
            ["deploy/settings.yaml"] = ConfigMap("settings", "hello"),
            ["deploy/web.yaml"] = Service("web"),
            ["deploy/legacy.yaml"] = Service("legacy"),
            ["deploy/intruder.yaml"] = ConfigMap("intruder", "x", ns: "demo"),
        });

        var accepted = await api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = name, Repository = git.Url(repo) });

        Assert.Equal(("storefront", "plural-gitops"), accepted.Projects.Select(p => (p.Name, p.ServiceAccount)).Single());

        var applied = await ReportedAsync(api, name, first);
        var outcomes = applied.Objects.ToDictionary(o => o.Name, o => (o.State, o.Message));
        Assert.Equal(("applied", ""), outcomes["settings"]);
        Assert.Equal(("applied", ""), outcomes["web"]);
        Assert.Equal(("applied", ""), outcomes["legacy"]);
        Assert.Equal(("failed",
            $"403 Forbidden: configmaps \"intruder\" is forbidden: User \"{ProjectUser}\" cannot patch resource \"configmaps\" in API group \"\" in the namespace \"demo\""),
            outcomes["intruder"]);
        Assert.Equal("hello", await GreetingAsync(shipped, "settings"));
        Assert.Null(await shipped.Cluster.FindConfigMapAsync("demo", "intruder"));
        // The informers listed what was there before the agent started, and watched what came after.
        var pods = (await shipped.Cluster.Admin.CoreV1.ListNamespacedPodAsync("demo")).Items.Count;
        var cachedPods = await Eventually.UntilAsync(() => CachedPodCountAsync(api, name), c => c == pods, Patience, "the agent's cached pods of demo");
        Assert.True(pods > 0 && cachedPods == pods, $"{cachedPods} pods cached, {pods} in the cluster");
        Assert.Equal(["legacy", "web"], await CachedServicesAsync(api, name, "legacy,web"));
        // A configured field the agent's code never names, read from the object as the API server sent it.
        var services = await api.QueryClusterAsync(new QueryClusterRequest { Name = name, Query = new ClusterQuery { Kind = "services", Namespace = "storefront" } });
        Assert.Equal("web", services.Items.Single(s => s.Name == "web").Fields["spec.selector.app"]);

        // Drift: the object is deleted behind Git's back and comes back with the next re-apply.
        await shipped.Cluster.Admin.CoreV1.DeleteNamespacedConfigMapAsync("settings", "storefront");
        Assert.Equal("hello", await GreetingAsync(shipped, "settings"));

        // Prune: an object that left Git is deleted, as the project's account.
        var second = git.Commit(repo, new Dictionary<string, string> { ["deploy/settings.yaml"] = ConfigMap("settings", "bonjour") }, "deploy/legacy.yaml");
        await api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = git.Url(repo) });

        var pruned = await ReportedAsync(api, name, second);
        Assert.Contains(pruned.Objects, o => o is { Name: "legacy", State: "pruned" });
        Assert.Equal("Error from server (NotFound): services \"legacy\" not found",
            (await shipped.Admin.RunAsync("get", "service", "legacy", "-n", "storefront")).Stderr.Trim());
        Assert.Equal("bonjour", (await shipped.Cluster.FindConfigMapAsync("storefront", "settings"))?.Data["greeting"]);
        Assert.Equal(["web"], await CachedServicesAsync(api, name, "web"));
        // The inventory is the agent's own, in its namespace, under the shipped Role.
        Assert.NotNull(await shipped.Cluster.FindConfigMapAsync(ShippedAgent.AgentNamespace, "plural-inventory-storefront"));
    }

    private static async Task<SyncTargetInfo> ReportedAsync(ServerApi.ServerApiClient api, string agent, string commit) => await Eventually.GetAsync(async () =>
        (await api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = agent })).Targets
            .FirstOrDefault(t => t.Target == "storefront" && t.ReportedCommit == commit), Patience, $"the agent's report of {commit[..8]}");

    private static async Task<string> GreetingAsync(ShippedAgent shipped, string name) => await Eventually.GetAsync(async () =>
        (await shipped.Cluster.FindConfigMapAsync("storefront", name))?.Data["greeting"], Patience, $"ConfigMap storefront/{name}");

    /// <summary>The Services of namespace storefront in the agent's cache, once they are <paramref name="expected"/> (names joined by commas).</summary>
    private static async Task<List<string>> CachedServicesAsync(ServerApi.ServerApiClient api, string agent, string expected) =>
        await Eventually.GetAsync(async () =>
        {
            try
            {
                var result = await api.QueryClusterAsync(new QueryClusterRequest { Name = agent, Query = new ClusterQuery { Kind = "services", Namespace = "storefront" } });
                var names = result.Items.Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
                return string.Join(",", names) == expected ? names : null;
            }
            catch (RpcException starting) when (starting.StatusCode == StatusCode.Unavailable)
            {
                return null;
            }
        }, Patience, "the agent's cached Services");

    private static async Task<int> CachedPodCountAsync(ServerApi.ServerApiClient api, string agent)
    {
        try
        {
            return (await api.QueryClusterAsync(new QueryClusterRequest { Name = agent, Query = new ClusterQuery { Kind = "pods", Namespace = "demo", CountOnly = true } })).Count;
        }
        catch (RpcException starting) when (starting.StatusCode == StatusCode.Unavailable)
        {
            return -1;
        }
    }

    private static string Service(string name) =>
        $"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - port: 80\n";

    private static string ConfigMap(string name, string greeting, string? ns = null) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{(ns is null ? "" : $"  namespace: {ns}\n")}data:\n  greeting: {greeting}\n";
}
