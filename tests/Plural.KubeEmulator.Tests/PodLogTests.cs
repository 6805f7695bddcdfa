using System.Net;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The pod log endpoint's parameters and errors, over raw HTTP.</summary>
public sealed class PodLogTests
{
    private static async Task<string> RunningPodAsync(ApiClient api, string ns, string app) =>
        (await Eventually.UntilAsync(
            () => api.GetAsync($"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{app}&fieldSelector=status.phase%3DRunning"),
            list => list["items"]!.AsArray().Count > 0,
            TimeSpan.FromSeconds(20)))["items"]![0]!["metadata"]!["name"]!.GetValue<string>();

    [Fact]
    public async Task Pod_logs_honour_tailLines_and_timestamps()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        using var api = new ApiClient(cluster.Http());
        var pod = await RunningPodAsync(api, "demo", "web");

        var tail = await api.Http.GetStringAsync($"/api/v1/namespaces/demo/pods/{pod}/log?tailLines=2");
        var stamped = await api.Http.GetStringAsync($"/api/v1/namespaces/demo/pods/{pod}/log?tailLines=1&timestamps=true");

        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("level=info container=nginx ", l));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z level=info ", stamped);
    }

    [Fact]
    public async Task Pod_logs_of_multi_container_pods_need_a_valid_container_name()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        using var api = new ApiClient(cluster.Http());
        var pod = await RunningPodAsync(api, "shop", "backend");

        var unnamed = await api.Http.GetAsync($"/api/v1/namespaces/shop/pods/{pod}/log");
        var unknown = await api.Http.GetAsync($"/api/v1/namespaces/shop/pods/{pod}/log?container=nope");
        var sidecar = await api.Http.GetStringAsync($"/api/v1/namespaces/shop/pods/{pod}/log?container=sidecar&tailLines=1");
        var missingPod = await api.Http.GetAsync("/api/v1/namespaces/shop/pods/ghost/log");

        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("a container name must be specified", (await StatusBody.ReadAsync(unnamed)).Message);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("container nope is not valid", (await StatusBody.ReadAsync(unknown)).Message);
        Assert.StartsWith("level=info container=sidecar ", sidecar);
        Assert.Equal(HttpStatusCode.NotFound, missingPod.StatusCode);
    }
}
