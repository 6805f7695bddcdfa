using System.Text.Json;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Real kubectl reading a seeded emulator: tables for every kind, yaml/json output, watch and describe.</summary>
public sealed class KubectlReadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Kubectl_get_lists_every_supported_kind_with_its_columns()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/web", "-n", "demo", "--timeout=20s");

        var result = (await cluster.Kubectl.RunAsync("get",
            "namespaces,nodes,pods,services,configmaps,secrets,serviceaccounts,events,deployments,replicasets,statefulsets,daemonsets,jobs,customresourcedefinitions,widgets",
            "-A")).EnsureSuccess();

        foreach (var expected in new[]
        {
            "namespace/demo", "node/emulator-node-1", "pod/db-0", "service/web", "configmap/web-config", "secret/web-credentials",
            "serviceaccount/default", "ScalingReplicaSet", "deployment.apps/web", "replicaset.apps/web-", "statefulset.apps/db",
            "daemonset.apps/node-exporter", "job.batch/migrate", "customresourcedefinition.apiextensions.k8s.io/widgets.example.plural.sh",
            "widget.example.plural.sh/sample",
        })
        {
            Assert.Contains(expected, result.Stdout);
        }
        Assert.Matches(@"deployment\.apps/web\s+2/2\s+2\s+2", result.Stdout);
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE", result.Stdout);
        Assert.Matches(@"widget\.example\.plural\.sh/sample\s+3\s+blue", result.Stdout);
    }

    [Fact]
    public async Task Kubectl_get_prints_objects_as_yaml_and_json()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/web", "-n", "demo", "--timeout=20s");

        var yaml = (await cluster.Kubectl.RunAsync("get", "deployment", "web", "-n", "demo", "-o", "yaml")).EnsureSuccess().Stdout;
        var json = (await cluster.Kubectl.RunAsync("get", "pods", "-n", "demo", "-l", "app=web", "-o", "json")).EnsureSuccess().Stdout;

        Assert.Contains("kind: Deployment", yaml);
        Assert.Contains("  replicas: 2", yaml);
        Assert.Contains("readyReplicas: 2", yaml);
        Assert.Matches(@"resourceVersion: ""\d+""", yaml);
        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("List", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal(2, items.Count);
        Assert.All(items, p => Assert.Equal("Running", p.GetProperty("status").GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task Kubectl_get_watch_shows_an_object_created_while_watching()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var watch = cluster.Kubectl.Stream("get", "configmaps", "-w");
        await watch.WaitForLineAsync(l => l.StartsWith("NAME", StringComparison.Ordinal) || l.Contains("No resources", StringComparison.Ordinal), Timeout);
        var manifest = cluster.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\ndata:\n  a: b\n");

        await Task.Delay(300);
        (await cluster.Kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess();

        var line = await watch.WaitForLineAsync(l => l.StartsWith("watched", StringComparison.Ordinal), Timeout);
        Assert.Matches(@"^watched\s+1\s+\d+s$", line);
        Assert.False(watch.HasExited);
    }

    [Fact]
    public async Task Kubectl_describe_shows_deployment_state_and_events()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/web", "-n", "demo", "--timeout=20s");

        var deployment = (await cluster.Kubectl.RunAsync("describe", "deployment", "web", "-n", "demo")).EnsureSuccess().Stdout;
        var pod = (await cluster.Kubectl.RunAsync("describe", "pod", "db-0", "-n", "shop")).EnsureSuccess().Stdout;

        Assert.Matches(@"Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable", deployment);
        Assert.Matches(@"NewReplicaSet:\s+web-\w+ \(2/2 replicas created\)", deployment);
        Assert.Contains("ScalingReplicaSet", deployment);
        Assert.Matches(@"Status:\s+Running", pod);
        Assert.Matches(@"Node:\s+emulator-node-\d/10\.0\.0\.\d+", pod);
        Assert.Contains("Started container postgres", pod);
    }

    [Fact]
    public async Task Kubectl_get_sort_by_and_custom_columns_read_full_objects()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/web", "-n", "demo", "--timeout=20s");

        var sorted = (await cluster.Kubectl.RunAsync("get", "deployments", "-A", "--sort-by=.spec.replicas", "--no-headers", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas")).EnsureSuccess();
        var events = (await cluster.Kubectl.RunAsync("get", "events", "-n", "demo", "--sort-by=.lastTimestamp")).EnsureSuccess();

        Assert.Equal(["backend 1", "web 2", "frontend 3"], sorted.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Contains("ScalingReplicaSet", events.Stdout);
    }

    [Fact]
    public async Task Kubectl_top_shows_usage_for_nodes_and_running_pods()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        await cluster.Kubectl.RunAsync("rollout", "status", "deployment/web", "-n", "demo", "--timeout=20s");

        var nodes = (await cluster.Kubectl.RunAsync("top", "nodes")).EnsureSuccess();
        var pods = (await cluster.Kubectl.RunAsync("top", "pods", "-n", "demo", "-l", "app=web")).EnsureSuccess();

        Assert.Matches(@"emulator-node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%", nodes.Stdout);
        var rows = pods.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Matches(@"^web-\S+\s+\d+m\s+\d+Mi", r));
    }
}
