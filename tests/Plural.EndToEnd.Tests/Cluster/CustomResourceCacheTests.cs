using Grpc.Core;
using Plural.EndToEnd.Tests.GitOps;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>
/// Any resource the cluster serves in the agent's cache, chosen by its Git configuration: a custom resource whose
/// definition and objects a platform team creates with kubectl becomes queryable through <c>QueryCluster</c> and
/// <c>QueryFleet</c> once the configuration names it, with the fields and labels it asks for and within its budget,
/// and leaves the cache with its definition; the agent never restarts.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CustomResourceCacheTests(PlatformFixture platform) : IAsyncLifetime
{
    private const string Definition = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.plural.sh}
        spec:
          group: example.plural.sh
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """;

    // Quoted: a path's brackets would otherwise end YAML's flow list.
    private const string GadgetsEntry = "- resource: gadgets.example.plural.sh\n  fields: [spec.size, \"status.conditions[type=Ready].status\"]\n  labels: [team]";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("plural-crd-cache-");
    private GitDaemon _git = null!;
    private EmulatedCluster _cluster = null!;
    private Kubectl _kubectl = null!;
    private readonly List<AgentProcess> _agents = [];

    public async Task InitializeAsync()
    {
        _git = await GitDaemon.StartAsync();
        _cluster = await EmulatedCluster.StartAsync();
        var kubeconfig = Path.Combine(_work.FullName, "admin.kubeconfig");
        await _cluster.Server.WriteKubeconfigAsync(kubeconfig);
        _kubectl = new Kubectl(kubeconfig, Path.Combine(_work.FullName, "kubectl-cache"));
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _cluster.DisposeAsync();
        await _git.DisposeAsync();
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task A_custom_resource_named_in_git_becomes_queryable_without_a_restart_and_leaves_the_cache_with_its_definition()
    {
        var (agent, repo, configPath) = await StartAgentAsync("- namespaces");
        await ApplyAsync(Definition);
        await ApplyAsync(Gadget("alpha", "large", "red") + "---\n" + Gadget("beta", "small", "blue"));

        _git.Commit(repo, new Dictionary<string, string> { [configPath] = Config("- namespaces", GadgetsEntry) });
        var all = await QueryWhenCachedAsync(agent.Name, new ClusterQuery { Kind = "gadgets" }, r => r.Count == 2);
        var red = await Query(agent.Name, new ClusterQuery { Kind = "Gadget", LabelSelector = "team=red" });
        var large = await Query(agent.Name, new ClusterQuery { Kind = "gadgets.example.plural.sh", FieldSelector = "spec.size=large", CountOnly = true });
        var fleet = await platform.Api.QueryFleetAsync(new QueryFleetRequest { Query = new ClusterQuery { Kind = "gd", Namespace = "default" } });

        Assert.Equal(("Gadget", true, ""), (all.Kind, all.Complete, all.IncompleteReason));
        var alpha = all.Items.Single(i => i.Name == "alpha");
        Assert.Equal("large", alpha.Fields["spec.size"]);
        Assert.Equal("True", alpha.Fields["status.conditions[type=Ready].status"]);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "red" }, alpha.Labels);
        Assert.Equal("alpha", Assert.Single(red.Items).Name);
        Assert.Equal(1, large.Count);
        Assert.Equal(2, fleet.Results.Single(r => r.Name == agent.Name).Result.Count);

        (await _kubectl.RunAsync("delete", "crd", "gadgets.example.plural.sh")).EnsureSuccess();
        var gone = await Eventually.GetAsync(async () =>
        {
            try
            {
                await Query(agent.Name, new ClusterQuery { Kind = "gadgets", CountOnly = true });
                return null;
            }
            catch (RpcException refused) when (refused.StatusCode == StatusCode.FailedPrecondition)
            {
                return refused;
            }
        }, Patience, "the gadgets to leave the agent's cache");
        // The agent drops the informer before its report of the applied configuration reaches the grain.
        var rejection = await Eventually.GetAsync(async () =>
        {
            var config = await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agent.Name });
            return config.RejectedKinds.FirstOrDefault(r => r.StartsWith("gadgets.example.plural.sh;", StringComparison.Ordinal));
        }, Patience, "the agent to report gadgets as rejected");

        Assert.Contains("this agent does not cache gadgets", gone.Status.Detail);
        Assert.Contains("the cluster does not serve it", rejection);

        // The configuration still names the kind: created again, it is cached again, still without a restart.
        await ApplyAsync(Definition);
        await ApplyAsync(Gadget("gamma", "medium", "red"));
        var back = await QueryWhenCachedAsync(agent.Name, new ClusterQuery { Kind = "gadgets" }, r => r.Count == 1);
        Assert.Equal("gamma", Assert.Single(back.Items).Name);
    }

    [Fact]
    public async Task A_kind_over_its_object_budget_answers_incomplete_and_says_why()
    {
        await ApplyAsync(Definition);
        await ApplyAsync(string.Join("---\n", new[] { "a", "b", "c" }.Select(n => Gadget(n, "small", "red"))));
        var (agent, _, _) = await StartAgentAsync("- resource: gadgets.example.plural.sh\n  maxObjects: 2");

        var capped = await QueryWhenCachedAsync(agent.Name, new ClusterQuery { Kind = "gadgets" }, r => r.Count == 2);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(_agents.Single().StatusUrl, "/metrics"));

        Assert.False(capped.Complete);
        Assert.Equal("the agent's cache holds its budget of 2 objects of gadgets.example.plural.sh", capped.IncompleteReason);
        Assert.Matches(@"plural_agent_cache_budget_reached_total\{[^}]*kind=""gadgets\.example\.plural\.sh""[^}]*\} 1", metrics);
        Assert.Contains(_agents.Single().Process.Output.Split('\n'), l => l.Contains("Informer for gadgets.example.plural.sh: the agent's cache holds its budget of 2 objects", StringComparison.Ordinal));
    }

    /// <summary>A configuration whose <c>cache.kinds</c> lists <paramref name="items"/> (YAML list items, possibly several lines each).</summary>
    private static string Config(params string[] items) =>
        "cache:\n  kinds:\n" + string.Concat(items.Select(i => "    " + i.Replace("\n", "\n    ", StringComparison.Ordinal) + "\n"));

    private static string Gadget(string name, string size, string team) => $"""
        apiVersion: example.plural.sh/v1
        kind: Gadget
        metadata:
          name: {name}
          namespace: default
          labels:
            team: {team}
            tier: gadget
        spec:
          size: {size}
        status:
          conditions:
          - type: Ready
            status: "True"

        """;

    private async Task<(RegisteredAgent Agent, string Repository, string ConfigPath)> StartAgentAsync(string kinds)
    {
        var agent = await platform.RegisterAgentAsync("crd");
        var repo = "fleet-" + agent.Name;
        var configPath = ShopRepository.ConfigPath(agent.Name);
        _git.Create(repo, new Dictionary<string, string> { [configPath] = Config(kinds) });
        await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = _git.Url(repo) });
        _agents.Add(await platform.StartAgentAsync(agent, _cluster.Server.Url, _cluster.AgentArgs()));
        return (agent, repo, configPath);
    }

    private async Task ApplyAsync(string yaml)
    {
        var file = Path.Combine(_work.FullName, $"{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        (await _kubectl.RunAsync("apply", "-f", file)).EnsureSuccess();
    }

    private Task<ClusterQueryResult> Query(string agent, ClusterQuery query) =>
        platform.Api.QueryClusterAsync(new QueryClusterRequest { Name = agent, Query = query }).ResponseAsync;

    /// <summary>The query's answer once the kind is cached, synced and <paramref name="done"/> holds (a kind just named answers FailedPrecondition, then Unavailable until it has listed).</summary>
    private Task<ClusterQueryResult> QueryWhenCachedAsync(string agent, ClusterQuery query, Func<ClusterQueryResult, bool> done) =>
        Eventually.GetAsync(async () =>
        {
            try
            {
                var result = await Query(agent, query);
                return done(result) ? result : null;
            }
            catch (RpcException pending) when (pending.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable)
            {
                return null;
            }
        }, Patience, $"{query.Kind} in the cache of agent {agent}");
}
