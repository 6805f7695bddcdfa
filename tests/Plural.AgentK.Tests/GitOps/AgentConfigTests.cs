using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Queries;
using Plural.AgentK.Config;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;
using static Plural.AgentK.Tests.GitOps.GitOpsWorld;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>The agent configuration the server pushes, put in force without a restart.</summary>
public sealed class AgentConfigTests : IAsyncLifetime
{
    private GitOpsWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await GitOpsWorld.StartAsync();
        await _world.StartAgentAsync(("Agent:Cache:Enabled", "true"), ("Agent:Cache:Kinds:0", "pods"));
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_configuration_changes_which_kinds_the_informers_watch_and_cached_queries_follow()
    {
        var cache = _world.Services.GetRequiredService<ClusterCache>();
        var queries = _world.Services.GetRequiredService<CacheQueryHandler>();
        await Eventually.HoldsAsync(() => cache.Synced, Patience, "pods synced");
        await _world.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });
        await _world.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "unrelated" } }, "shop");
        var gateway = _world.Gateway;

        await gateway.SendAsync(new AgentConfig
        {
            Version = "cfg-2", Repository = "https://git.example/fleet.git", Commit = "abc",
            CachedKinds = { "apps/v1/deployments", "namespaces", "widgets", "apps/v2/statefulsets" },
        });

        await Eventually.HoldsAsync(() => gateway.ConfigsApplied.Any(c => c.Version == "cfg-2"), Patience, "the configuration answered");
        var applied = gateway.ConfigsApplied.Single(c => c.Version == "cfg-2");
        Assert.Contains(AgentConfigReporter.ConfigCapability, gateway.Hello!.Capabilities);
        Assert.Equal(["deployments", "namespaces"], applied.CachedKinds);
        Assert.Equal(2, applied.RejectedKinds.Count);
        Assert.StartsWith("widgets: the cluster does not serve it", applied.RejectedKinds[0]);
        Assert.Equal("apps/v2/statefulsets: this agent caches statefulsets as apps/v1/statefulsets", applied.RejectedKinds[1]);
        Assert.Null(cache.Store("pods"));

        await Eventually.HoldsAsync(() => cache.Synced, Patience, "deployments and namespaces synced");
        Assert.Contains(queries.Answer(new CacheQuery { Kind = "namespaces" }).Items, n => n.Name == "shop");
        await CreateDeploymentAsync("shop", "cart");
        await Eventually.HoldsAsync(() => queries.Answer(new CacheQuery { Kind = "deployments", Namespace = "shop" }).Items.Any(d => d.Name == "cart"),
            Patience, "the new deployment answered from the cache");
        var refused = Assert.Throws<QueryException>(() => queries.Answer(new CacheQuery { Kind = "pods" }));
        Assert.Equal(404, refused.Status);

        await gateway.SendAsync(new AgentConfig { Version = "cfg-3" });

        await Eventually.HoldsAsync(() => gateway.ConfigsApplied.Any(c => c.Version == "cfg-3"), Patience, "the empty configuration answered");
        Assert.Equal(["pods"], gateway.ConfigsApplied.Single(c => c.Version == "cfg-3").CachedKinds);
        await Eventually.HoldsAsync(() => cache.Synced && cache.Store("pods") is not null && cache.Store("deployments") is null, Patience, "back to the agent's own kinds");
    }

    private async Task CreateDeploymentAsync(string ns, string name)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        await _world.Admin.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        }, ns);
    }
}
