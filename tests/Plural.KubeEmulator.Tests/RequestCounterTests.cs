using System.Net;
using k8s;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The public request counter other test suites use to prove a query never reached the API server.</summary>
public sealed class RequestCounterTests
{
    [Fact]
    public async Task Request_counter_counts_every_request_by_verb_and_resource()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        using var client = cluster.Client();
        using var anonymous = cluster.Http(token: "");
        var before = cluster.Server.Requests.Total;

        await client.CoreV1.ListNamespacedPodAsync("demo");
        await client.CoreV1.ListNamespacedPodAsync("shop");
        await client.AppsV1.ReadNamespacedDeploymentAsync("web", "demo");
        await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "demo");
        var rejected = await anonymous.GetAsync("/api/v1/namespaces/demo/pods");
        await anonymous.GetAsync("/version");

        var requests = cluster.Server.Requests;
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(3, requests.Count("list", "pods"));
        Assert.Equal(1, requests.Count("get", "deployments"));
        Assert.Equal(1, requests.Count("get", "deployments.apps"));
        Assert.Equal(1, requests.Count("get", "deployments.apps/scale"));
        Assert.Equal(0, requests.Count("watch", "pods"));
        Assert.Equal(before + 6, requests.Total);
        Assert.Equal(1, requests.Snapshot()[new ApiRequestKey("get", "/version")]);
    }

    [Fact]
    public async Task Request_counter_counts_kubectl_watches_and_writes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var requests = cluster.Server.Requests;

        (await cluster.Kubectl.RunAsync("create", "configmap", "counted", "--from-literal=k=v")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("get", "configmaps", "--watch", "--request-timeout=1s")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("delete", "configmap", "counted")).EnsureSuccess();

        Assert.Equal(1, requests.Count("create", "configmaps"));
        Assert.True(requests.Count("watch", "configmaps") >= 1, "kubectl get --watch opens a watch");
        Assert.Equal(1, requests.Count("delete", "configmaps"));
        Assert.True(requests.Snapshot().Keys.Any(k => k.Resource == "/api"), "kubectl's discovery is counted too");
    }
}
