using k8s;
using Plural.KubeEmulator.Tests.Rbac;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.Proxy;

/// <summary>
/// The proxy subresources are authorized as the API server authorizes them: <c>services/proxy</c> and
/// <c>pods/proxy</c>, the verb from the HTTP method, the name with its port; <c>view</c> does not grant them,
/// <c>edit</c> does.
/// </summary>
public sealed class ProxyAuthorizationTests
{
    private const string Query = PrometheusCluster.ServicePath + "/api/v1/query?query=up";

    [Fact]
    public async Task A_viewer_gets_the_api_servers_403_for_services_proxy_and_pods_proxy()
    {
        await using var cluster = await PrometheusCluster.StartAsync(o => o.Users.Add(new KubeEmulatorUser(RbacUsers.JaneToken, RbacUsers.Jane, [])));
        await cluster.BindJaneToViewAsync("monitoring");
        var jane = await cluster.JaneAsync();
        var pod = (await cluster.Client().CoreV1.ListNamespacedPodAsync("monitoring")).Items.Single().Metadata.Name;

        var service = await jane.RunAsync("get", "--raw", Query);
        var direct = await jane.RunAsync("get", "--raw", $"/api/v1/namespaces/monitoring/pods/{pod}:9090/proxy/-/healthy");
        var pods = await jane.RunAsync("get", "pods", "-n", "monitoring", "-o", "name");

        Assert.Equal(1, service.ExitCode);
        Assert.Equal("Error from server (Forbidden): services \"prometheus:9090\" is forbidden: User \"jane\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"monitoring\"",
            service.Error());
        Assert.Equal($"Error from server (Forbidden): pods \"{pod}:9090\" is forbidden: User \"jane\" cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"monitoring\"",
            direct.Error());
        Assert.Equal($"pod/{pod}", pods.EnsureSuccess().Stdout.Trim());
    }

    [Fact]
    public async Task Edit_grants_the_proxy_and_a_post_is_authorized_as_create()
    {
        await using var cluster = await PrometheusCluster.StartAsync(o => o.Users.Add(new KubeEmulatorUser(RbacUsers.JaneToken, RbacUsers.Jane, [])));
        (await cluster.Kubectl.RunAsync("create", "role", "proxy-reader", "--verb=get", "--resource=services/proxy", "-n", "monitoring")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-proxy", "--role=proxy-reader", "--user=jane", "-n", "monitoring")).EnsureSuccess();
        var jane = await cluster.JaneAsync();
        using var http = cluster.Http(RbacUsers.JaneToken);

        var read = await jane.RunAsync("get", "--raw", Query);
        using var post = await http.PostAsync(PrometheusCluster.ServicePath + "/api/v1/query",
            new FormUrlEncodedContent([KeyValuePair.Create("query", "up")]));

        Assert.Contains("\"status\":\"success\"", read.EnsureSuccess().Stdout);
        var refused = await StatusBody.ReadAsync(post);
        Assert.Equal("services \"prometheus:9090\" is forbidden: User \"jane\" cannot create resource \"services/proxy\" in API group \"\" in the namespace \"monitoring\"",
            refused.Message);
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-edit", "--clusterrole=edit", "--user=jane", "-n", "monitoring")).EnsureSuccess();
        using var allowed = await http.PostAsync(PrometheusCluster.ServicePath + "/api/v1/query", new FormUrlEncodedContent([KeyValuePair.Create("query", "count(up)")]));
        Assert.Contains("\"resultType\":\"vector\"", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Discovery_lists_the_proxy_subresources_of_pods_and_services()
    {
        await using var cluster = await TestCluster.StartAsync();

        var resources = (await cluster.Kubectl.RunAsync("get", "--raw", "/api/v1")).EnsureSuccess();

        Assert.Contains("{\"name\":\"pods/proxy\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodProxyOptions\",\"verbs\":[\"create\",\"delete\",\"get\",\"patch\",\"update\"]}", resources.Stdout);
        Assert.Contains("{\"name\":\"services/proxy\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"ServiceProxyOptions\",\"verbs\":[\"create\",\"delete\",\"get\",\"patch\",\"update\"]}", resources.Stdout);
    }
}
