using Plural.AgentK.Cache;
using Plural.AgentK.Views;

namespace Plural.AgentK.Tests.Cache;

public sealed class ClusterViewCalculatorTests
{
    [Fact]
    public void The_view_counts_nodes_pods_by_phase_unavailable_workloads_and_recent_warnings()
    {
        var cache = CacheFactory.Cache();
        var now = DateTimeOffset.UtcNow;
        CacheFactory.Fill(cache, "nodes", CacheFactory.Node("n1", ready: true), CacheFactory.Node("n2", ready: false), CacheFactory.Node("n3", ready: true));
        CacheFactory.Fill(cache, "pods",
            CacheFactory.Pod("shop", "a"), CacheFactory.Pod("shop", "b"), CacheFactory.Pod("shop", "c", "Pending"),
            CacheFactory.Pod("blog", "d", "Failed"), CacheFactory.Pod("blog", "e", "Succeeded"), CacheFactory.Pod("blog", "f", "Weird"));
        CacheFactory.Fill(cache, "deployments", CacheFactory.Deployment("shop", "web", 3, 2), CacheFactory.Deployment("shop", "api", 2, 2));
        CacheFactory.Fill(cache, "events",
            CacheFactory.Warning("shop", "w1", now.AddMinutes(-1)), CacheFactory.Warning("shop", "w2", now.AddMinutes(-2)),
            CacheFactory.Warning("shop", "old", now.AddHours(-1)));
        var calculator = new ClusterViewCalculator(cache, CacheFactory.Options<ClusterViewOptions>(), TimeProvider.System);

        var view = calculator.Compute();

        Assert.Equal((3, 2), (view.NodeCount, view.NodesReady));
        Assert.Equal(["blog", "shop"], view.Pods.Select(p => p.Namespace));
        var shop = view.Pods.Single(p => p.Namespace == "shop");
        var blog = view.Pods.Single(p => p.Namespace == "blog");
        Assert.Equal((2, 1), (shop.Running, shop.Pending));
        Assert.Equal((1, 1, 1), (blog.Failed, blog.Succeeded, blog.Unknown));
        var web = Assert.Single(view.WorkloadsNotAvailable);
        Assert.Equal(("Deployment", "shop", "web", 3, 2), (web.Kind, web.Namespace, web.Name, web.Desired, web.Available));
        Assert.Equal(2 / 5.0, view.WarningEventsPerMinute, precision: 3);
        Assert.Equal(300, view.WarningWindowSeconds);
    }

    [Fact]
    public void Two_views_of_the_same_state_are_the_same_whenever_computed()
    {
        var cache = CacheFactory.Cache();
        CacheFactory.Fill(cache, "pods", CacheFactory.Pod("shop", "a"));
        var calculator = new ClusterViewCalculator(cache, CacheFactory.Options<ClusterViewOptions>(), TimeProvider.System);
        var first = calculator.Compute();
        first.Sequence = 7;

        var second = calculator.Compute();
        CacheFactory.Fill(cache, "pods", CacheFactory.Pod("shop", "a", "Failed") with { ResourceVersion = "2" });
        var third = calculator.Compute();

        Assert.True(ClusterViewCalculator.SameContent(first, second));
        Assert.False(ClusterViewCalculator.SameContent(first, third));
    }
}
