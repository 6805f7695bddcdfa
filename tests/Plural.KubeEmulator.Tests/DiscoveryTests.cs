using System.Text.Json.Nodes;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Discovery and OpenAPI documents, the parts clients read before doing anything else.</summary>
public sealed class DiscoveryTests
{
    private const string Aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

    [Fact]
    public async Task Legacy_discovery_lists_groups_and_resources_with_subresources()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var api = new ApiClient(cluster.Http());

        var core = await api.GetAsync("/api");
        var groups = await api.GetAsync("/apis");
        var apps = await api.GetAsync("/apis/apps/v1");

        Assert.Equal("v1", core["versions"]![0]!.GetValue<string>());
        Assert.Superset(new HashSet<string> { "apps", "batch", "apiextensions.k8s.io", "authentication.k8s.io", "authorization.k8s.io" },
            groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToHashSet());
        var names = apps["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("deployments/scale", names);
        Assert.Contains("deployments/status", names);
        var deployments = apps["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "deployments")!;
        Assert.Equal(["deploy"], deployments["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Aggregated_discovery_is_served_when_the_client_asks_for_it()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", Aggregated);

        var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("application/json", contentType.MediaType);
        Assert.Equal(
            [("as", "APIGroupDiscoveryList"), ("g", "apidiscovery.k8s.io"), ("v", "v2")],
            contentType.Parameters.Select(p => (p.Name, p.Value!)).OrderBy(p => p.Name));
        var items = body["items"]!.AsArray();
        var widgets = items.First(i => i!["metadata"]!["name"]!.GetValue<string>() == "example.plural.sh")!["versions"]![0]!["resources"]![0]!;
        Assert.Equal(("widgets", "Namespaced", "Widget"), (widgets["resource"]!.GetValue<string>(), widgets["scope"]!.GetValue<string>(), widgets["responseKind"]!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenApi_v3_advertises_server_side_field_validation_for_every_kind()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var api = new ApiClient(cluster.Http());

        var root = await api.GetAsync("/openapi/v3");
        var appsUrl = root["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var apps = await api.GetAsync(appsUrl);
        var v2 = await api.Http.GetByteArrayAsync("/openapi/v2");

        var patch = apps["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("Deployment", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation" && p["in"]!.GetValue<string>() == "query");
        Assert.NotNull(root["paths"]!["api/v1"]);
        Assert.Equal(new byte[] { 0x0A, 0x03, (byte)'2', (byte)'.', (byte)'0' }, v2);
    }
}
