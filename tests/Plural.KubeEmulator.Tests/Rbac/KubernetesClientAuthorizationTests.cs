using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.Rbac;

/// <summary>RBAC through KubernetesClient: SubjectAccessReview answers with the API server's reasons, and a denial is a 403 Status the client surfaces.</summary>
public sealed class KubernetesClientAuthorizationTests
{
    [Fact]
    public async Task Subject_access_review_names_the_binding_that_allows_and_reports_a_missing_role()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-ghost", "--clusterrole=ghost", "--user=jane", "-n", "shop")).EnsureSuccess();
        using var client = cluster.Client();

        var allowed = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("jane", "demo", "list"));
        var denied = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("jane", "demo", "delete"));
        var missingRole = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("jane", "shop", "list"));
        var masters = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { Groups = ["system:masters"], NonResourceAttributes = new V1NonResourceAttributes { Path = "/metrics", Verb = "get" } },
        });

        Assert.True(allowed.Status.Allowed);
        Assert.Equal("RBAC: allowed by RoleBinding \"jane-view/demo\" of ClusterRole \"view\" to User \"jane\"", allowed.Status.Reason);
        Assert.False(denied.Status.Allowed);
        Assert.Null(denied.Status.Reason);
        Assert.False(missingRole.Status.Allowed);
        Assert.Equal("RBAC: clusterrole.rbac.authorization.k8s.io \"ghost\" not found", missingRole.Status.Reason);
        Assert.True(masters.Status.Allowed);
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\"", masters.Status.Reason);
    }

    [Fact]
    public async Task A_denied_request_is_a_403_status_with_the_resource_in_its_details()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        await cluster.Server.WriteKubeconfigAsync(Path.Combine(cluster.Directory, "jane-client"), RbacUsers.JaneToken);
        using var jane = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(cluster.Directory, "jane-client")));

        var deployments = await jane.AppsV1.ListNamespacedDeploymentAsync("demo");
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => jane.AppsV1.DeleteNamespacedDeploymentAsync("web", "demo"));

        Assert.Contains(deployments.Items, d => d.Metadata.Name == "web");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        var status = JsonDocument.Parse(refused.Response.Content).RootElement;
        Assert.Equal("Forbidden", status.GetProperty("reason").GetString());
        Assert.Equal(403, status.GetProperty("code").GetInt32());
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"jane\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"demo\"", status.GetProperty("message").GetString());
        var details = status.GetProperty("details");
        Assert.Equal(("web", "apps", "deployments"), (details.GetProperty("name").GetString(), details.GetProperty("group").GetString(), details.GetProperty("kind").GetString()));
    }

    private static V1SubjectAccessReview Review(string user, string ns, string verb) => new()
    {
        Spec = new V1SubjectAccessReviewSpec { User = user, ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = verb, Resource = "pods" } },
    };
}
