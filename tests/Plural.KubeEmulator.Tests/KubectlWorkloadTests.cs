using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>kubectl driving the emulator's controllers: rollout, scale, cascading delete and pod logs.</summary>
public sealed class KubectlWorkloadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: shop
        spec:
          replicas: 2
          selector:
            matchLabels: {app: shop}
          template:
            metadata:
              labels: {app: shop}
            spec:
              containers:
              - name: shop
                image: shop:1
        """;

    private static async Task<TestCluster> ClusterWithDeploymentAsync()
    {
        var cluster = await TestCluster.StartAsync();
        (await cluster.Kubectl.RunAsync("apply", "-f", cluster.WriteFile("shop.yaml", Deployment))).EnsureSuccess();
        return cluster;
    }

    private static async Task<int> RunningPodsAsync(TestCluster cluster) =>
        (await cluster.Kubectl.RunAsync("get", "pods", "-l", "app=shop", "--field-selector=status.phase=Running", "-o", "name")).EnsureSuccess()
            .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task Kubectl_rollout_status_completes_once_pods_are_running()
    {
        await using var cluster = await ClusterWithDeploymentAsync();

        var rollout = (await cluster.Kubectl.RunAsync("rollout", "status", "deployment/shop", "--timeout=20s")).EnsureSuccess();

        Assert.Contains("deployment \"shop\" successfully rolled out", rollout.Stdout);
        Assert.Equal(2, await RunningPodsAsync(cluster));
    }

    [Fact]
    public async Task Kubectl_rollout_status_follows_an_image_change_to_a_new_replicaset()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/shop", "--timeout=20s");

        (await cluster.Kubectl.RunAsync("set", "image", "deployment/shop", "shop=shop:2")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("rollout", "status", "deployment/shop", "--timeout=20s")).EnsureSuccess();

        var replicaSets = (await cluster.Kubectl.RunAsync("get", "rs", "-l", "app=shop", "-o", "jsonpath={range .items[*]}{.spec.replicas}/{.spec.template.spec.containers[0].image} {end}")).EnsureSuccess();
        Assert.Equal(["0/shop:1", "2/shop:2"], replicaSets.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task Kubectl_scale_changes_the_number_of_running_pods()
    {
        await using var cluster = await ClusterWithDeploymentAsync();

        var scaled = (await cluster.Kubectl.RunAsync("scale", "deployment/shop", "--replicas=4")).EnsureSuccess();
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/shop", "--timeout=20s");
        var up = await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 4, Timeout);
        (await cluster.Kubectl.RunAsync("scale", "deployment/shop", "--replicas=1")).EnsureSuccess();
        var down = await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 1, Timeout);

        Assert.Contains("deployment.apps/shop scaled", scaled.Stdout);
        Assert.Equal((4, 1), (up, down));
    }

    [Fact]
    public async Task Kubectl_delete_deployment_cascades_to_replicasets_and_pods()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 2, Timeout);

        var deleted = (await cluster.Kubectl.RunAsync("delete", "deployment", "shop")).EnsureSuccess();
        var remaining = await Eventually.UntilAsync(
            async () => (await cluster.Kubectl.RunAsync("get", "rs,pods", "-l", "app=shop", "-o", "name")).EnsureSuccess().Stdout.Trim(),
            s => s.Length == 0, Timeout);

        Assert.Contains("deployment.apps \"shop\" deleted", deleted.Stdout);
        Assert.Equal("", remaining);
    }

    [Fact]
    public async Task Kubectl_delete_with_foreground_cascade_waits_for_dependents()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 2, Timeout);

        (await cluster.Kubectl.RunAsync("delete", "deployment", "shop", "--cascade=foreground")).EnsureSuccess();

        var left = (await cluster.Kubectl.RunAsync("get", "deployments,rs,pods", "-l", "app=shop", "-o", "name")).EnsureSuccess();
        Assert.Equal("", left.Stdout.Trim());
    }

    [Fact]
    public async Task Kubectl_delete_with_orphan_cascade_keeps_the_pods()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 2, Timeout);

        (await cluster.Kubectl.RunAsync("delete", "deployment", "shop", "--cascade=orphan")).EnsureSuccess();
        await Task.Delay(500);

        Assert.Equal(2, await RunningPodsAsync(cluster));
        var owners = (await cluster.Kubectl.RunAsync("get", "rs", "-l", "app=shop", "-o", "jsonpath={.items[*].metadata.ownerReferences}")).EnsureSuccess();
        Assert.Equal("", owners.Stdout.Trim());
    }

    [Fact]
    public async Task Kubectl_logs_follow_streams_new_lines_until_cancelled()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/shop", "--timeout=20s");

        var tail = (await cluster.Kubectl.RunAsync("logs", "deployment/shop", "--tail=2", "--timestamps")).EnsureSuccess();
        await using var follow = cluster.Kubectl.Stream("logs", "-f", "deployment/shop", "--tail=1", "-c", "shop");
        var first = await follow.WaitForLineAsync(_ => true, Timeout);
        var firstSeq = Sequence(first);
        await follow.WaitForLineAsync(l => Sequence(l) >= firstSeq + 3, Timeout);

        Assert.False(follow.HasExited);
        await follow.DisposeAsync();
        Assert.True(follow.HasExited);
        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z level=info container=shop seq=\d+ ", l));
    }

    [Fact]
    public async Task Jobs_run_to_completion()
    {
        await using var cluster = await TestCluster.StartAsync();
        var job = cluster.WriteFile("job.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              completions: 2
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: work, image: "work:1"}]
            """);
        (await cluster.Kubectl.RunAsync("apply", "-f", job)).EnsureSuccess();

        var wait = await cluster.Kubectl.RunAsync("wait", "--for=condition=complete", "job/once", "--timeout=20s");

        wait.EnsureSuccess();
        var pods = (await cluster.Kubectl.RunAsync("get", "pods", "-l", "job-name=once", "-o", "jsonpath={.items[*].status.phase}")).EnsureSuccess();
        Assert.Equal("Succeeded Succeeded", pods.Stdout);
    }

    [Fact]
    public async Task Kubectl_describe_service_lists_the_ready_pods_as_endpoints()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        (await cluster.Kubectl.RunAsync("expose", "deployment", "shop", "--port=8080", "--target-port=80")).EnsureSuccess();

        var two = await Eventually.UntilAsync(() => EndpointCountAsync(cluster), n => n == 2, Timeout);
        (await cluster.Kubectl.RunAsync("scale", "deployment/shop", "--replicas=3")).EnsureSuccess();
        var three = await Eventually.UntilAsync(() => EndpointCountAsync(cluster), n => n == 3, Timeout);

        Assert.Equal((2, 3), (two, three));
        var slice = (await cluster.Kubectl.RunAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=shop", "-o", "jsonpath={.items[0].ports[0].port}")).EnsureSuccess();
        Assert.Equal("80", slice.Stdout);
    }

    [Fact]
    public async Task Kubectl_drain_evicts_pods_and_their_replacements_land_on_other_nodes()
    {
        await using var cluster = await ClusterWithDeploymentAsync();
        (await cluster.Kubectl.RunAsync("scale", "deployment/shop", "--replicas=6")).EnsureSuccess();
        await Eventually.UntilAsync(() => RunningPodsAsync(cluster), n => n == 6, Timeout);

        var drain = (await cluster.Kubectl.RunAsync("drain", "emulator-node-2", "--ignore-daemonsets", "--timeout=20s")).EnsureSuccess();
        var nodes = await Eventually.UntilAsync(
            async () => (await cluster.Kubectl.RunAsync("get", "pods", "-l", "app=shop", "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].spec.nodeName}")).EnsureSuccess().Stdout,
            s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 6 } all && all.All(n => n == "emulator-node-1"), Timeout);
        var node = (await cluster.Kubectl.RunAsync("get", "node", "emulator-node-2")).EnsureSuccess();

        Assert.Contains("node/emulator-node-2 drained", drain.Stdout);
        Assert.Contains("Ready,SchedulingDisabled", node.Stdout);
        Assert.Equal(6, nodes.Split(' ').Length);
    }

    private static async Task<int> EndpointCountAsync(TestCluster cluster)
    {
        var describe = (await cluster.Kubectl.RunAsync("describe", "service", "shop")).EnsureSuccess().Stdout;
        var line = describe.Split('\n').FirstOrDefault(l => l.StartsWith("Endpoints:", StringComparison.Ordinal)) ?? "";
        return System.Text.RegularExpressions.Regex.Matches(line, @"10\.244\.\d+\.\d+:80").Count;
    }

    private static int Sequence(string line) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(line, @"seq=(\d+)").Groups[1].Value);
}
