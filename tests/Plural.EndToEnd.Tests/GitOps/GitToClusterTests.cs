using System.Diagnostics;
using Grpc.Core;
using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;
using Xunit.Abstractions;

namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// The whole GitOps path with nothing stood in: commits pushed to a <c>git daemon</c> on loopback, polled by the
/// silo's repository pollers, sent by the gateway down the session of a real AgentK process, applied to an emulated
/// cluster, and watched the ways a user watches it: the cluster's own API and <c>ServerApi</c>.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class GitToClusterTests(PlatformFixture platform, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private GitDaemon _git = null!;
    private EmulatedCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _git = await GitDaemon.StartAsync();
        _cluster = await EmulatedCluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _git.DisposeAsync();
    }

    [Fact]
    public async Task Commits_reach_the_cluster_through_poller_gateway_and_agent_and_their_status_shows_in_server_api()
    {
        var agent = await platform.RegisterAgentAsync("git2k8s");
        var repo = "fleet-" + agent.Name;
        var configPath = ShopRepository.ConfigPath(agent.Name);
        var first = _git.Create(repo, new Dictionary<string, string>
        {
            [configPath] = ShopRepository.Config("namespaces"),
            ["deploy/namespace.yaml"] = ShopRepository.Namespace,
            ["deploy/settings.yaml"] = ShopRepository.ConfigMap("settings", "hello"),
            ["deploy/legacy.yaml"] = ShopRepository.ConfigMap("legacy", "old"),
            ["deploy/service.yaml"] = ShopRepository.Service,
        });
        var source = await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = _git.Url(repo) });
        Assert.True(source.Version.Length > 0, $"not accepted: {source}");
        await using var process = await platform.StartAgentAsync(agent, _cluster.Server.Url,
            _cluster.AgentArgs("--Agent:GitOps:InventoryNamespace=default"));

        // The first commit: every object in the cluster, and the agent's report of each in the sync status.
        Assert.Equal("hello", await GreetingAsync("settings"));
        Assert.Equal("old", await GreetingAsync("legacy"));
        var reported = await ReportedAsync(agent.Name, first);
        Assert.All(reported.Objects, o => Assert.Equal("applied", o.State));
        Assert.Equal(4, reported.Objects.Count);

        // A config change alone, without any notification: the agent starts watching services.
        var notWatched = await Assert.ThrowsAsync<RpcException>(() => QueryServicesAsync(agent.Name));
        Assert.Equal(StatusCode.FailedPrecondition, notWatched.StatusCode);
        var committed = Stopwatch.StartNew();
        _git.Commit(repo, new Dictionary<string, string> { [configPath] = ShopRepository.Config("namespaces, services") });
        var watching = await Eventually.GetAsync(async () =>
        {
            var config = await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agent.Name });
            return config.AppliedVersion.Length > 0 && config.AppliedVersion == config.Version && config.Version != source.Version
                ? config : null;
        }, Patience, "the agent applying the new configuration");
        output.WriteLine($"config commit to applied: {committed.ElapsedMilliseconds} ms (poll interval 1 s)");
        Assert.Equal(["namespaces", "services"], watching.CachedKinds);
        Assert.Equal(1, (await WatchedServicesAsync(agent.Name)).Count);

        // Change one manifest, delete another from Git.
        var second = _git.Commit(repo, new Dictionary<string, string> { ["deploy/settings.yaml"] = ShopRepository.ConfigMap("settings", "bonjour") }, "deploy/legacy.yaml");
        var pruned = await ReportedAsync(agent.Name, second);
        Assert.Contains(pruned.Objects, o => o is { Name: "legacy", State: "pruned" });
        Assert.Equal("bonjour", await GreetingAsync("settings"));
        Assert.True(await IsGoneAsync("legacy"));

        // A broken manifest is named in the status and left out; the rest is applied.
        var third = _git.Commit(repo, new Dictionary<string, string>
        {
            ["deploy/settings.yaml"] = ShopRepository.ConfigMap("settings", "hallo"),
            ["deploy/broken.yaml"] = ShopRepository.ConfigMap("fine", "yes") + "---\napiVersion: v1\nmetadata:\n  name: nameless\n",
        });
        var partial = await ReportedAsync(agent.Name, third);
        Assert.Equal("hallo", await GreetingAsync("settings"));
        Assert.Equal("yes", await GreetingAsync("fine"));
        var readError = Assert.Single(partial.ReadErrors);
        Assert.StartsWith("deploy/broken.yaml document 1 (line 8): ", readError);
        Assert.Contains("apiVersion and kind are required", readError);

        // A broken configuration is rejected with its line; the previous one stays in force.
        var broken = _git.Commit(repo, new Dictionary<string, string> { [configPath] = "cache:\n  kinds: [namespaces\ngitops: {}\n" });
        AgentConfigInfo rejected;
        try
        {
            rejected = await Eventually.UntilAsync(async () => await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agent.Name }),
                c => c.RejectedCommit == broken, Patience, "the broken configuration rejected");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + string.Join("\n", platform.Silo.Output.Split('\n').Where(l => l.Contains(agent.Name) || l.Contains(repo))), ex);
        }
        var problem = Assert.Single(rejected.Problems);
        Assert.Equal(configPath, problem.File);
        Assert.True(problem.Line > 0, problem.ToString());
        Assert.Equal((watching.Version, watching.Version), (rejected.Version, rejected.AppliedVersion));
        Assert.Equal(["namespaces", "services"], rejected.CachedKinds);
        Assert.Equal(1, (await WatchedServicesAsync(agent.Name)).Count);
    }

    private async Task<SyncTargetInfo> ReportedAsync(string agent, string commit) => await Eventually.GetAsync(async () =>
        (await platform.Api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = agent })).Targets
            .FirstOrDefault(t => t.Target == "shop" && t.ReportedCommit == commit), Patience, $"the agent's report of {commit[..8]}");

    private async Task<ClusterQueryResult> QueryServicesAsync(string agent) => await platform.Api.QueryClusterAsync(
        new QueryClusterRequest { Name = agent, Query = new ClusterQuery { Kind = "services", Namespace = "shop", CountOnly = true } });

    // A kind just added answers Unavailable until its informer has listed.
    private async Task<ClusterQueryResult> WatchedServicesAsync(string agent) => await Eventually.GetAsync(async () =>
    {
        try
        {
            return await QueryServicesAsync(agent);
        }
        catch (RpcException starting) when (starting.StatusCode == StatusCode.Unavailable)
        {
            return null;
        }
    }, Patience, "a cached query of services");

    private async Task<string> GreetingAsync(string name) => await Eventually.GetAsync(async () =>
        (await _cluster.FindConfigMapAsync("shop", name))?.Data["greeting"], Patience, $"ConfigMap shop/{name}");

    private async Task<bool> IsGoneAsync(string name) => await _cluster.FindConfigMapAsync("shop", name) is null;
}
