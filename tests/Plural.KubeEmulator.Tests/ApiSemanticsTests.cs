using System.Net;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Object lifecycle rules of the API server, checked over raw HTTP.</summary>
public sealed class ApiSemanticsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private const string Deployment = """
        {"metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1","env":[{"name":"A","value":"1"}]},{"name":"proxy","image":"proxy:1"}]}}}}
        """;

    private static async Task<Session> StartAsync()
    {
        var cluster = await TestCluster.StartAsync();
        return new Session(cluster, new ApiClient(cluster.Http()));
    }

    private sealed record Session(TestCluster Cluster, ApiClient Api) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await Cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Deleting_an_object_with_finalizers_marks_it_until_the_finalizers_are_cleared()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync(ConfigMaps, """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");

        var marked = await api.DeleteAsync($"{ConfigMaps}/held", HttpStatusCode.Accepted);
        var stillThere = await api.GetAsync($"{ConfigMaps}/held");
        await api.PatchAsync($"{ConfigMaps}/held", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        var gone = await api.GetAsync($"{ConfigMaps}/held", HttpStatusCode.NotFound);

        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.NotNull(stillThere["metadata"]!["deletionTimestamp"]);
        Assert.Equal("NotFound", gone["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generate_name_creates_unique_names_with_the_prefix()
    {
        await using var session = await StartAsync();
        var api = session.Api;

        var first = await api.PostAsync(ConfigMaps, """{"metadata":{"generateName":"job-"}}""");
        var second = await api.PostAsync(ConfigMaps, """{"metadata":{"generateName":"job-"}}""");

        var names = new[] { first, second }.Select(o => o["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.All(names, n => Assert.Matches("^job-[a-z0-9]{5}$", n));
        Assert.NotEqual(names[0], names[1]);
    }

    [Fact]
    public async Task Status_is_only_written_through_the_status_subresource()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"quiet"}}""");
        await api.PostAsync("/apis/apps/v1/namespaces/quiet/deployments", Deployment.Replace("\"replicas\":1", "\"replicas\":0"));

        var viaMain = await api.PatchAsync("/apis/apps/v1/namespaces/quiet/deployments/web", """{"status":{"replicas":7},"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        var viaStatus = await api.PatchAsync("/apis/apps/v1/namespaces/quiet/deployments/web/status", """{"status":{"observedGeneration":42},"metadata":{"labels":{"z":"w"}}}""", "application/merge-patch+json");

        Assert.NotEqual(7, viaMain["status"]?["replicas"]?.GetValue<int>());
        Assert.Equal("y", viaMain["metadata"]!["labels"]!["x"]!.GetValue<string>());
        Assert.Equal(42, viaStatus["status"]!["observedGeneration"]!.GetValue<int>());
        Assert.Null(viaStatus["metadata"]!["labels"]!["z"]);
    }

    [Fact]
    public async Task Generation_increments_only_when_the_spec_changes()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        var created = await api.PostAsync(Deployments, Deployment);

        var labelled = await api.PatchAsync($"{Deployments}/web", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json");
        var scaled = await api.PatchAsync($"{Deployments}/web", """{"spec":{"replicas":3}}""", "application/merge-patch+json");

        Assert.Equal([1, 1, 2], new[] { created, labelled, scaled }.Select(o => o["metadata"]!["generation"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_json_patch_edits_by_path()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync(Deployments, Deployment);

        var merged = await api.PatchAsync($"{Deployments}/web",
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2","env":[{"name":"B","value":"2"}]},{"name":"proxy","$patch":"delete"}]}}}}""",
            "application/strategic-merge-patch+json");
        var patched = await api.PatchAsync($"{Deployments}/web",
            """[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:3"},{"op":"add","path":"/metadata/labels","value":{"tier":"front"}}]""",
            "application/json-patch+json");

        var containers = merged["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        var web = Assert.Single(containers)!;
        Assert.Equal("web:2", web["image"]!.GetValue<string>());
        Assert.Equal(["A", "B"], web["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
        Assert.Equal("web:3", patched["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("front", patched["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_removes_fields_its_manager_stops_applying()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        const string apply = "application/apply-patch+yaml";

        await api.PatchAsync($"{ConfigMaps}/applied?fieldManager=tool", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n  b: \"2\"\n", apply, HttpStatusCode.Created);
        await api.PatchAsync($"{ConfigMaps}/applied?fieldManager=other", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  c: \"3\"\n", apply);
        var after = await api.PatchAsync($"{ConfigMaps}/applied?fieldManager=tool", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n", apply);
        var missingManager = await api.PatchAsync($"{ConfigMaps}/applied", "{}", apply, (HttpStatusCode)422);

        Assert.Equal(["a", "c"], after["data"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal(["other", "tool"], after["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>()).Order());
        Assert.Contains("fieldManager", missingManager["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Field_and_label_selectors_filter_pods()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        foreach (var (name, node, tier) in new[] { ("a", "emulator-node-1", "web"), ("b", "emulator-node-2", "web"), ("c", "emulator-node-2", "db") })
        {
            await api.PostAsync("/api/v1/namespaces/default/pods",
                $$$"""{"metadata":{"name":"{{{name}}}","labels":{"tier":"{{{tier}}}"}},"spec":{"nodeName":"{{{node}}}","containers":[{"name":"c","image":"i"}]}}""");
        }

        async Task<string[]> Names(string query) =>
            (await api.GetAsync($"/api/v1/pods?{query}"))["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order().ToArray();

        Assert.Equal(["b", "c"], await Names("fieldSelector=spec.nodeName%3Demulator-node-2"));
        Assert.Equal(["a"], await Names("fieldSelector=spec.nodeName!%3Demulator-node-2,metadata.namespace%3Ddefault"));
        Assert.Equal(["a", "b"], await Names("labelSelector=tier%20in%20(web)"));
        Assert.Equal(["c"], await Names("labelSelector=tier%20notin%20(web),tier"));
        Assert.Equal(["a", "b", "c"], await Names("labelSelector=tier!%3Dapi"));
        Assert.Empty(await Names("labelSelector=!tier"));
        Assert.Equal(["c"], await Names("labelSelector=tier%3D%3Ddb"));
    }

    [Fact]
    public async Task Table_output_has_column_definitions_and_one_row_per_object()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync(ConfigMaps, """{"metadata":{"name":"t"},"data":{"a":"1","b":"2"}}""");

        var table = await api.GetAsync($"{ConfigMaps}?fieldSelector=metadata.name%3Dt", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        Assert.Equal(("Table", "meta.k8s.io/v1"), (table["kind"]!.GetValue<string>(), table["apiVersion"]!.GetValue<string>()));
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var row = Assert.Single(table["rows"]!.AsArray())!;
        Assert.Equal("t", row["cells"]![0]!.GetValue<string>());
        Assert.Equal(2, row["cells"]![1]!.GetValue<int>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_contents_and_then_itself()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"doomed"}}""");
        await api.PostAsync("/api/v1/namespaces/doomed/configmaps", """{"metadata":{"name":"inside"}}""");

        var terminating = await api.DeleteAsync("/api/v1/namespaces/doomed", HttpStatusCode.Accepted);
        var gone = await Eventually.UntilAsync(async () => (int)(await api.Http.GetAsync("/api/v1/namespaces/doomed")).StatusCode, c => c == 404, TimeSpan.FromSeconds(10));

        Assert.Equal("Terminating", terminating["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(404, gone);
        Assert.Empty((await api.GetAsync("/api/v1/namespaces/doomed/configmaps"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Immutable_fields_and_bad_labels_are_rejected_as_invalid()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        await api.PostAsync(Deployments, Deployment);
        await api.PostAsync(ConfigMaps, """{"metadata":{"name":"frozen"},"data":{"a":"1"},"immutable":true}""");

        var selector = await api.PatchAsync($"{Deployments}/web", """{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}""", "application/merge-patch+json", (HttpStatusCode)422);
        var frozen = await api.PatchAsync($"{ConfigMaps}/frozen", """{"data":{"a":"2"}}""", "application/merge-patch+json", (HttpStatusCode)422);
        var label = await api.PostAsync(ConfigMaps, """{"metadata":{"name":"labelled","labels":{"app":"not valid!"}}}""", (HttpStatusCode)422);

        Assert.Contains("spec.selector: Invalid value", selector["message"]!.GetValue<string>());
        Assert.Contains("field is immutable", selector["message"]!.GetValue<string>());
        Assert.Contains("field is immutable when `immutable` is set", frozen["message"]!.GetValue<string>());
        Assert.Contains("metadata.labels: Invalid value: \"not valid!\"", label["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replacing_a_service_without_its_cluster_ip_keeps_the_allocated_one()
    {
        await using var session = await StartAsync();
        var api = session.Api;
        const string service = """{"metadata":{"name":"svc"},"spec":{"type":"NodePort","selector":{"app":"x"},"ports":[{"port":80}]}}""";
        var created = await api.PostAsync("/api/v1/namespaces/default/services", service);

        var replaced = await api.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/services/svc", service);

        Assert.Equal(created["spec"]!["clusterIP"]!.GetValue<string>(), replaced["spec"]!["clusterIP"]!.GetValue<string>());
        Assert.Equal(created["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>(), replaced["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>());
        Assert.InRange(created["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>(), 30000, 32767);
    }
}
