using CsCheck;
using Plural.Gateway.Audit;
using Plural.Security.Tests.Infrastructure;
using Plural.Security.Tests.KubeEmulator;

namespace Plural.Security.Tests.Audit;

/// <summary>The audit trail names requests the way the Kubernetes authorizer does, and no path can break it.</summary>
public sealed class KubernetesRequestParserTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", null, "list", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "true", "watch", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods", null, "watch", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web-1/log", null, "get", "", "pods", "log", "default", "web-1")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/web-1/exec", null, "create", "", "pods", "exec", "default", "web-1")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web-1/portforward", null, "get", "", "pods", "portforward", "default", "web-1")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/prod/deployments/api/scale", null, "update", "apps", "deployments", "scale", "prod", "api")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/prod/deployments/api", null, "patch", "apps", "deployments", "", "prod", "api")]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps/x", null, "delete", "", "configmaps", "", "default", "x")]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps", null, "deletecollection", "", "configmaps", "", "default", "")]
    [InlineData("GET", "/api/v1/namespaces/kube-system", null, "get", "", "namespaces", "", "kube-system", "kube-system")]
    [InlineData("GET", "/api/v1/nodes", null, "list", "", "nodes", "", "", "")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", null, "get", "rbac.authorization.k8s.io", "clusterroles", "", "", "admin")]
    public void Resource_requests_get_the_verb_and_attributes_kubernetes_would_authorize(string method, string path, string? watch,
        string verb, string group, string resource, string subresource, string ns, string name)
    {
        var parsed = KubernetesRequestParser.Parse(method, path, watch);

        Assert.Equal((verb, group, resource, subresource, ns, name, ""),
            (parsed.Verb, parsed.ApiGroup, parsed.Resource, parsed.Subresource, parsed.Namespace, parsed.Name, parsed.NonResourcePath));
    }

    [Theory]
    [InlineData("GET", "/version")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/apis/apps/v1")]
    [InlineData("GET", "/openapi/v2")]
    public void Other_paths_are_non_resource_requests_named_by_their_path(string method, string path)
    {
        var parsed = KubernetesRequestParser.Parse(method, path, null);

        Assert.Equal(("get", "", path), (parsed.Verb, parsed.Resource, parsed.NonResourcePath));
    }

    [Fact]
    public void Any_method_and_path_parses_without_throwing()
    {
        Gen.Select(Gen.OneOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "", "get", "BREW"), HostileRequests.Path,
                Gen.OneOf<string?>(null, "true", "1", "false", ""))
            .Sample((method, path, watch) =>
            {
                var parsed = KubernetesRequestParser.Parse(method, path, watch);

                Assert.NotNull(parsed.Verb);
                Assert.True(parsed.Resource.Length > 0 || parsed.NonResourcePath == path);
            }, iter: Fuzz.Iterations(20_000), print: c => $"{c.Item1} {c.Item2} watch={c.Item3}");
    }
}
