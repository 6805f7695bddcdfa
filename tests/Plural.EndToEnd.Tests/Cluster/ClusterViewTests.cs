using System.Diagnostics;
using k8s;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>
/// An agent with informers on a KubeEmulator, behind the real silo and gateway: workload changes reach the
/// precomputed view and the event stream, and the view outlives the agent.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ClusterViewTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Creating_scaling_and_deleting_a_workload_changes_the_view_and_emits_events()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await cluster.CreateNamespaceAsync("shop");
        var agent = await platform.RegisterAgentAsync("views");
        await using var events = await EventRecorder.StartAsync(platform.Api, agent.Name);
        await using var process = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs());

        var first = await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.View is not null, Timeout, "a first view");
        Assert.Equal(2, first.View.NodeCount);
        Assert.Equal(2, first.View.NodesReady);
        Assert.False(first.Offline);
        Assert.Null(first.Pods("shop"));

        var created = Stopwatch.GetTimestamp();
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 3);
        var added = await events.WaitForAsync(e => e is { Type: "ADDED", Kind: "Deployment", Namespace: "shop", Name: "web" }, Timeout, "adding shop/web");
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 3, Timeout, "3 running pods in shop");
        await events.WaitForAsync(e => e is { Type: "ADDED", Kind: "Pod", Namespace: "shop" } && e.Name.StartsWith("web-"), Timeout, "a pod of shop/web");

        await cluster.ScaleAsync("shop", "web", 5);
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 5, Timeout, "5 running pods in shop");
        await events.WaitForAsync(e => e is { Type: "MODIFIED", Kind: "Deployment", Name: "web", Summary: "5/5 available" }, Timeout, "web at 5/5");

        // With every node cordoned new pods cannot be scheduled: the deployment falls short of its replicas.
        await cluster.CordonAllAsync();
        await cluster.ScaleAsync("shop", "web", 7);
        var shortOf = await ClusterViews.WaitForAsync(platform.Api, agent.Name,
            v => v.View?.WorkloadsNotAvailable.Any(w => w.Name == "web") == true && v.Pods("shop")?.Pending == 2, Timeout, "web short of replicas");
        var web = shortOf.View.WorkloadsNotAvailable.Single(w => w.Name == "web");
        Assert.Equal(("Deployment", "shop", 7, 5), (web.Kind, web.Namespace, web.Desired, web.Available));

        await cluster.CordonAllAsync(cordon: false);
        await ClusterViews.WaitForAsync(platform.Api, agent.Name,
            v => v.View?.WorkloadsNotAvailable.Count == 0 && v.Pods("shop")?.Running == 7, Timeout, "web available again");

        await cluster.DeleteDeploymentAsync("shop", "web");
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop") is null, Timeout, "no pods left in shop");
        await events.WaitForAsync(e => e is { Type: "DELETED", Kind: "Deployment", Name: "web" }, Timeout, "deleting shop/web");

        var sequences = events.Received.Select(r => r.Event.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(events.Received, r => Assert.Equal(agent.Name, r.Event.Agent));
        var latency = Stopwatch.GetElapsedTime(created, added.ArrivedAt);
        Assert.True(latency < TimeSpan.FromSeconds(5), $"the first event took {latency.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Cached_queries_count_and_select_objects_without_a_request_to_the_api_server()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await cluster.CreateNamespaceAsync("shop");
        await cluster.CreateNamespaceAsync("blog");
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 4);
        await cluster.CreateDeploymentAsync("shop", "api", replicas: 2);
        await cluster.CreateDeploymentAsync("blog", "web", replicas: 1);
        var agent = await platform.RegisterAgentAsync("query");
        await using var process = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs());
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 6 && v.Pods("blog")?.Running == 1, Timeout, "all pods running");

        var before = cluster.Server.Requests.Total;
        var all = await QueryAsync(agent.Name, new ClusterQuery { Kind = "pods", CountOnly = true });
        var shopWeb = await QueryAsync(agent.Name, new ClusterQuery { Kind = "po", Namespace = "shop", LabelSelector = "app=web" });
        var notWeb = await QueryAsync(agent.Name, new ClusterQuery { Kind = "Pod", LabelSelector = "app notin (web),tier=web", CountOnly = true });
        var running = await QueryAsync(agent.Name, new ClusterQuery { Kind = "pods", FieldSelector = "status.phase=Running,metadata.namespace!=shop" });
        var deployments = await QueryAsync(agent.Name, new ClusterQuery { Kind = "deployments", Namespace = "shop" });
        var limited = await QueryAsync(agent.Name, new ClusterQuery { Kind = "pods", Namespace = "shop", Limit = 2 });
        var after = cluster.Server.Requests.Total;
        await cluster.Admin.CoreV1.ListNamespacedPodAsync("shop");
        var direct = cluster.Server.Requests.Total;

        Assert.Equal(7, all.Count);
        Assert.Empty(all.Items);
        Assert.Equal(4, shopWeb.Count);
        Assert.All(shopWeb.Items, p => Assert.Equal(("Pod", "shop", "web"), (p.Kind, p.Namespace, p.Labels["app"])));
        Assert.All(shopWeb.Items, p => Assert.Equal("Running", p.Fields["status.phase"]));
        Assert.Equal(2, notWeb.Count);
        Assert.Equal("blog", Assert.Single(running.Items).Namespace);
        Assert.Equal(["api", "web"], deployments.Items.Select(d => d.Name));
        Assert.Equal("4", deployments.Items.Single(d => d.Name == "web").Fields["status.availableReplicas"]);
        Assert.Equal((6, 2, false), (limited.Count, limited.Items.Count, limited.Complete));
        Assert.Equal(before, after);
        Assert.Equal(after + 1, direct);
    }

    [Fact]
    public async Task Bad_cached_queries_get_typed_errors_naming_the_field()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var agent = await platform.RegisterAgentAsync("badquery");
        await using var process = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs("--Agent:Cache:Kinds:0=pods", "--Agent:Cache:Kinds:1=nodes"));
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.View is not null, Timeout, "a first view");

        var notAName = await FailsAsync(agent.Name, new ClusterQuery { Kind = "gizmos!" });
        var unknownKind = await FailsAsync(agent.Name, new ClusterQuery { Kind = "gizmos" });
        var notCached = await FailsAsync(agent.Name, new ClusterQuery { Kind = "deployments" });
        var badLabels = await FailsAsync(agent.Name, new ClusterQuery { Kind = "pods", LabelSelector = "app in web" });
        var badField = await FailsAsync(agent.Name, new ClusterQuery { Kind = "pods", FieldSelector = "spec.replicas=3" });
        var noKind = await FailsAsync(agent.Name, new ClusterQuery());
        var unknownAgent = await FailsAsync("no-such-agent-" + Guid.NewGuid().ToString("N")[..6], new ClusterQuery { Kind = "pods" });

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, notAName.StatusCode);
        Assert.Contains("gizmos!", notAName.Status.Detail);
        // Any resource may be cached once the agent's configuration names it; until then it is one the agent does not cache.
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, unknownKind.StatusCode);
        Assert.Contains("this agent does not cache gizmos", unknownKind.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, notCached.StatusCode);
        Assert.Contains("deployments", notCached.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, badLabels.StatusCode);
        Assert.StartsWith("label_selector:", badLabels.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, badField.StatusCode);
        Assert.Contains("status.phase", badField.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, noKind.StatusCode);
        Assert.StartsWith("query.kind", noKind.Status.Detail);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, unknownAgent.StatusCode);
    }

    [Fact]
    public async Task After_history_compaction_the_agent_lists_again_and_the_view_is_still_right()
    {
        // A short history and no bookmarks: when the agent's watches end and resume, their version is gone.
        await using var cluster = await EmulatedCluster.StartAsync(o =>
        {
            o.WatchHistorySize = 20;
            o.BookmarkInterval = TimeSpan.FromHours(1);
        });
        await cluster.CreateNamespaceAsync("shop");
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 2);
        var agent = await platform.RegisterAgentAsync("relist");
        await using var process = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs("--Agent:Cache:WatchTimeout=00:00:02"));
        await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 2, Timeout, "2 running pods");

        for (var i = 0; i < 60; i++)
        {
            await cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(
                new k8s.Models.V1ConfigMap { Metadata = new k8s.Models.V1ObjectMeta { Name = $"churn-{i}" } }, "default");
        }

        await process.Process.WaitForOutputAsync("410 Gone", Timeout);
        await process.Process.WaitForOutputAsync("re-listed", Timeout);
        await cluster.ScaleAsync("shop", "web", 4);

        var view = await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 4, Timeout, "4 running pods after the re-list");
        Assert.Equal(2, view.View.NodeCount);
        Assert.Empty(view.View.WorkloadsNotAvailable);
        var count = await QueryAsync(agent.Name, new ClusterQuery { Kind = "pods", Namespace = "shop", CountOnly = true });
        Assert.Equal(4, count.Count);
    }

    [Fact]
    public async Task A_killed_agents_view_is_served_offline_with_its_age_and_a_fresh_one_when_it_returns()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await cluster.CreateNamespaceAsync("shop");
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 3);
        var agent = await platform.RegisterAgentAsync("offline");
        var process = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs());
        var online = await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Pods("shop")?.Running == 3, Timeout, "3 running pods");

        await process.Process.KillAsync();
        await process.DisposeAsync();
        var offline = await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => v.Offline, Timeout, "the agent offline");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var older = await platform.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = agent.Name });

        Assert.Equal(3, offline.Pods("shop")!.Running);
        Assert.True(older.Offline);
        Assert.Equal(3, older.Pods("shop")!.Running);
        Assert.True(older.AgeMs >= 3000, $"age {older.AgeMs} ms");
        Assert.NotNull(older.StatusSince);

        await cluster.ScaleAsync("shop", "web", 1);
        await using var back = await platform.StartAgentAsync(agent, cluster.Server.Url, cluster.AgentArgs());
        var fresh = await ClusterViews.WaitForAsync(platform.Api, agent.Name, v => !v.Offline && v.Pods("shop")?.Running == 1, Timeout, "a fresh view");

        Assert.True(fresh.AgeMs < 10_000, $"age {fresh.AgeMs} ms");
        Assert.True(fresh.View.ComputedAt.ToDateTimeOffset() > online.View.ComputedAt.ToDateTimeOffset());
    }

    private async Task<ClusterQueryResult> QueryAsync(string agent, ClusterQuery query) =>
        await platform.Api.QueryClusterAsync(new QueryClusterRequest { Name = agent, Query = query });

    private async Task<Grpc.Core.RpcException> FailsAsync(string agent, ClusterQuery query) =>
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => QueryAsync(agent, query));
}
