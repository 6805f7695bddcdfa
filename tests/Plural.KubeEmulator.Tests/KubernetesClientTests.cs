using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The KubernetesClient library, configured from the emulator's kubeconfig, against list, watch, paging and concurrency semantics.</summary>
public sealed class KubernetesClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static V1ConfigMap ConfigMap(string name, string value = "v") =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "demo" } }, Data = new Dictionary<string, string> { ["k"] = value } };

    [Fact]
    public async Task Client_from_written_kubeconfig_lists_the_system_namespaces_and_nodes()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();

        var namespaces = await client.CoreV1.ListNamespaceAsync();
        var nodes = await client.CoreV1.ListNodeAsync();

        Assert.Superset(new HashSet<string> { "default", "kube-system", "kube-public", "kube-node-lease" }, namespaces.Items.Select(n => n.Name()).ToHashSet());
        Assert.Equal(2, nodes.Items.Count);
        Assert.All(nodes.Items, n => Assert.Contains(n.Status.Conditions, c => c.Type == "Ready" && c.Status == "True"));
    }

    [Fact]
    public async Task Watch_resumed_from_a_resource_version_delivers_only_later_events_in_order()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), "default");
        var third = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("third"), "default");
        third.Data["k"] = "changed";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(third, "third", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("second", "default");

        using var cts = new CancellationTokenSource(Timeout);
        var seen = new List<(WatchEventType Type, string Name)>();
        await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first.ResourceVersion(), cancellationToken: cts.Token))
        {
            seen.Add((type, item.Name()));
            if (seen.Count == 4) break;
        }

        Assert.Equal(
            [(WatchEventType.Added, "second"), (WatchEventType.Added, "third"), (WatchEventType.Modified, "third"), (WatchEventType.Deleted, "second")],
            seen);
    }

    [Fact]
    public async Task Watch_sees_objects_created_after_it_started()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        using var cts = new CancellationTokenSource(Timeout);
        var enumerator = client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.ResourceVersion(), cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var next = enumerator.MoveNextAsync().AsTask();

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("late"), "default");

        Assert.True(await next);
        Assert.Equal((WatchEventType.Added, "late"), (enumerator.Current.Item1, enumerator.Current.Item2.Name()));
        await enumerator.DisposeAsync();
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_fails_with_410_Expired()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.WatchHistorySize = 5);
        using var client = cluster.Client();
        var old = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("old"), "default");
        for (var i = 0; i < 10; i++) await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"filler-{i}"), "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: old.ResourceVersion(), watch: true));

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal(("Failure", "Expired", 410), (status.Status, status.Reason, status.Code!.Value));
        Assert.Contains("too old resource version", status.Message);
    }

    [Fact]
    public async Task List_pages_through_limit_and_continue_without_gaps_or_repeats()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        for (var i = 0; i < 7; i++) await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"page-{i}"), "default");

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: token, labelSelector: "app=demo");
            if (pages == 0) Assert.Equal(4, page.Metadata.RemainingItemCount);
            names.AddRange(page.Items.Select(i => i.Name()));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"), names);
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_is_rejected_with_409_Conflict()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("contended"), "default");
        var mine = await client.CoreV1.ReadNamespacedConfigMapAsync("contended", "default");
        var theirs = await client.CoreV1.ReadNamespacedConfigMapAsync("contended", "default");
        theirs.Data["k"] = "theirs";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(theirs, "contended", "default");

        mine.Data["k"] = "mine";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(mine, "contended", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message);
        Assert.Equal("theirs", (await client.CoreV1.ReadNamespacedConfigMapAsync("contended", "default")).Data["k"]);
    }

    [Fact]
    public async Task Creating_a_crd_serves_its_custom_resources_and_lists_them_in_discovery()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "gadgets.test.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "test.example.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Kind = "Gadget", Plural = "gadgets", Singular = "gadget" },
                Versions = [new V1CustomResourceDefinitionVersion { Name = "v1", Served = true, Storage = true, Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } } }],
            },
        });

        var groups = await client.Apis.GetAPIVersionsAsync();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new Dictionary<string, object> { ["apiVersion"] = "test.example.com/v1", ["kind"] = "Gadget", ["metadata"] = new Dictionary<string, object> { ["name"] = "g1" }, ["spec"] = new Dictionary<string, object> { ["size"] = 2 } },
            "test.example.com", "v1", "default", "gadgets");
        var list = (System.Text.Json.JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync("test.example.com", "v1", "default", "gadgets");

        Assert.Contains(groups.Groups, g => g.Name == "test.example.com");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("g1", item.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(2, item.GetProperty("spec").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_crd_takes_its_kind_out_of_discovery_deletes_its_objects_for_watchers_and_stops_serving_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var crd = cluster.WriteFile("gizmos.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gizmos.test.example.com}
            spec:
              group: test.example.com
              scope: Namespaced
              names: {plural: gizmos, singular: gizmo, kind: Gizmo}
              versions:
              - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
            """);
        var gizmo = cluster.WriteFile("g1.yaml", "apiVersion: test.example.com/v1\nkind: Gizmo\nmetadata: {name: g1, namespace: default}\n");
        (await cluster.Kubectl.RunAsync("apply", "-f", crd)).EnsureSuccess();
        // As on a real cluster, kubectl maps a custom resource only once its definition is served.
        (await cluster.Kubectl.RunAsync("apply", "-f", gizmo)).EnsureSuccess();
        using var http = cluster.Http();
        http.Timeout = Timeout;
        using var watch = await http.GetAsync("/apis/test.example.com/v1/gizmos?watch=1&resourceVersion=0", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await watch.Content.ReadAsStreamAsync());
        var added = await events.ReadLineAsync();

        (await cluster.Kubectl.RunAsync("delete", "crd", "gizmos.test.example.com")).EnsureSuccess();
        var deleted = await events.ReadLineAsync();
        var groups = await client.Apis.GetAPIVersionsAsync();
        using var gone = await http.GetAsync("/apis/test.example.com/v1/gizmos");

        Assert.Contains("\"type\":\"ADDED\"", added);
        Assert.Contains("\"type\":\"DELETED\"", deleted);
        Assert.Contains("\"name\":\"g1\"", deleted);
        Assert.DoesNotContain(groups.Groups, g => g.Name == "test.example.com");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_deployment_created_through_the_client_becomes_available_with_running_pods()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var labels = new Dictionary<string, string> { ["app"] = "hello" };
        await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "hello" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "hello", Image = "hello:1" }] },
                },
            },
        }, "default");

        var deployment = await Eventually.UntilAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("hello", "default"), d => d.Status?.AvailableReplicas == 3, Timeout);
        var pods = await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=hello", fieldSelector: "status.phase=Running");

        Assert.Equal(3, deployment.Status.ReadyReplicas);
        Assert.Equal(3, pods.Items.Count);
        Assert.All(pods.Items, p => Assert.StartsWith("emulator-node-", p.Spec.NodeName));
        Assert.All(pods.Items, p => Assert.Contains(p.Status.Conditions, c => c.Type == "Ready" && c.Status == "True"));
    }
}
