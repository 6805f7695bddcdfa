using System.Net;
using System.Text;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Malformed or unsupported requests get the status codes and Status reasons of a real API server, and the server keeps serving.</summary>
public sealed class BadInputTests
{
    private static StringContent Body(string text, string contentType) => new(text, Encoding.UTF8, contentType);

    private static async Task<StatusBody> ExpectAsync(HttpResponseMessage response, HttpStatusCode code, string reason)
    {
        Assert.Equal(code, response.StatusCode);
        var status = await StatusBody.ReadAsync(response);
        Assert.Equal(reason, status.Reason);
        return status;
    }

    [Fact]
    public async Task Malformed_json_and_yaml_bodies_are_400_BadRequest()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();

        await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("{\"metadata\": {\"name\": ", "application/json")), HttpStatusCode.BadRequest, "BadRequest");
        await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("metadata:\n  name: [unclosed\n", "application/yaml")), HttpStatusCode.BadRequest, "BadRequest");
        await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("[1, 2]", "application/json")), HttpStatusCode.BadRequest, "BadRequest");
        await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}", "application/json")), HttpStatusCode.BadRequest, "BadRequest");

        var yamlCreate = await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: from-yaml\ndata:\n  n: \"1\"\n", "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, yamlCreate.StatusCode);
    }

    [Fact]
    public async Task Unknown_resources_and_objects_are_404_NotFound()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();

        var unknownResource = await ExpectAsync(await http.GetAsync("/api/v1/namespaces/default/widgetses"), HttpStatusCode.NotFound, "NotFound");
        await ExpectAsync(await http.GetAsync("/apis/nope.example.com/v1/things"), HttpStatusCode.NotFound, "NotFound");
        var missing = await ExpectAsync(await http.GetAsync("/api/v1/namespaces/default/configmaps/absent"), HttpStatusCode.NotFound, "NotFound");
        var noNamespace = await ExpectAsync(await http.PostAsync("/api/v1/namespaces/ghost/configmaps", Body("{\"metadata\":{\"name\":\"x\"}}", "application/json")), HttpStatusCode.NotFound, "NotFound");
        var kubectl = await cluster.Kubectl.RunAsync("get", "frobnicators");

        Assert.Equal("the server could not find the requested resource", unknownResource.Message);
        Assert.Equal("configmaps \"absent\" not found", missing.Message);
        Assert.Equal("configmaps", missing.Details.GetProperty("kind").GetString());
        Assert.Equal("namespaces \"ghost\" not found", noNamespace.Message);
        Assert.NotEqual(0, kubectl.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"frobnicators\"", kubectl.Stderr);
    }

    [Fact]
    public async Task Bad_label_and_field_selectors_are_400_BadRequest()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();

        foreach (var selector in new[] { "app in (web", "app=(x)", "a b", "=x", "app notin ()" })
        {
            await ExpectAsync(await http.GetAsync($"/api/v1/pods?labelSelector={Uri.EscapeDataString(selector)}"), HttpStatusCode.BadRequest, "BadRequest");
        }
        var field = await ExpectAsync(await http.GetAsync("/api/v1/pods?fieldSelector=spec.containers=x"), HttpStatusCode.BadRequest, "BadRequest");
        var kubectl = await cluster.Kubectl.RunAsync("get", "pods", "-l", "app in (web");

        Assert.Equal("field label not supported: spec.containers", field.Message);
        Assert.NotEqual(0, kubectl.ExitCode);
    }

    [Fact]
    public async Task Unsupported_patch_and_body_content_types_are_415_UnsupportedMediaType()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("{\"metadata\":{\"name\":\"cm\"}}", "application/json"));

        var textPatch = await ExpectAsync(await http.PatchAsync("/api/v1/namespaces/default/configmaps/cm", Body("{}", "text/plain")), HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("<xml/>", "application/xml")), HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        await ExpectAsync(await http.PatchAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/none", Body("{}", "application/x-yaml")), HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");

        Assert.Contains("application/merge-patch+json", textPatch.Message);
    }

    [Fact]
    public async Task Invalid_objects_are_422_Invalid_with_field_causes()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();

        var badName = await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("{\"metadata\":{\"name\":\"Bad_Name\"}}", "application/json")), (HttpStatusCode)422, "Invalid");
        var noSelector = await ExpectAsync(await http.PostAsync("/apis/apps/v1/namespaces/default/deployments",
            Body("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}", "application/json")), (HttpStatusCode)422, "Invalid");
        var badPatch = await ExpectAsync(await http.PatchAsync("/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
            Body("[{\"op\":\"remove\",\"path\":\"/data/missing\"}]", "application/json-patch+json")), (HttpStatusCode)422, "Invalid");

        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", badName.Message);
        Assert.Equal("metadata.name", badName.Details.GetProperty("causes")[0].GetProperty("field").GetString());
        Assert.Contains("spec.selector: Required value", noSelector.Message);
        Assert.Contains("/data/missing", badPatch.Message);
    }

    [Fact]
    public async Task Conflicting_writes_and_wrong_methods_get_409_and_405()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        var create = Body("{\"metadata\":{\"name\":\"once\"}}", "application/json");
        await http.PostAsync("/api/v1/namespaces/default/configmaps", create);

        var again = await ExpectAsync(await http.PostAsync("/api/v1/namespaces/default/configmaps", Body("{\"metadata\":{\"name\":\"once\"}}", "application/json")), HttpStatusCode.Conflict, "AlreadyExists");
        var stale = await ExpectAsync(await http.PutAsync("/api/v1/namespaces/default/configmaps/once", Body("{\"metadata\":{\"name\":\"once\",\"resourceVersion\":\"1\"}}", "application/json")), HttpStatusCode.Conflict, "Conflict");
        await ExpectAsync(await http.PutAsync("/api/v1/namespaces/default/configmaps", Body("{}", "application/json")), HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        await ExpectAsync(await http.PostAsync("/api/v1/configmaps", Body("{\"metadata\":{\"name\":\"nowhere\"}}", "application/json")), HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        await ExpectAsync(await http.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews/me", Body("{}", "application/json")), HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");

        Assert.Equal("configmaps \"once\" already exists", again.Message);
        Assert.Contains("the object has been modified", stale.Message);
    }

    [Fact]
    public async Task Server_keeps_serving_after_a_burst_of_bad_requests()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        var garbage = new[] { "{", "null", "\"x\"", "{\"metadata\":5}", "{\"metadata\":{\"name\":7}}", "{\"metadata\":{\"labels\":[1]}}", "\u0000\u0001" };

        foreach (var body in garbage)
        {
            var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Body(body, "application/json"));
            Assert.InRange((int)response.StatusCode, 400, 499);
            await StatusBody.ReadAsync(response);
            var patch = await http.PatchAsync("/api/v1/namespaces/default/configmaps/kube-root-ca.crt", Body(body, "application/merge-patch+json"));
            Assert.InRange((int)patch.StatusCode, 400, 499);
        }
        await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=abc");

        var healthy = await http.GetAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        (await cluster.Kubectl.RunAsync("get", "configmaps")).EnsureSuccess();
    }
}
