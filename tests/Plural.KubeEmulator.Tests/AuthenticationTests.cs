using System.Net;
using System.Text.Json;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Bearer tokens, impersonation and the seeded read-only binding, seen through kubectl and raw HTTP.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task Kubectl_auth_whoami_reports_the_admin_user()
    {
        await using var cluster = await TestCluster.StartAsync();

        var whoami = (await cluster.Kubectl.RunAsync("auth", "whoami", "-o", "json")).EnsureSuccess();

        var info = JsonDocument.Parse(whoami.Stdout).RootElement.GetProperty("status").GetProperty("userInfo");
        Assert.Equal("kubernetes-admin", info.GetProperty("username").GetString());
        Assert.Equal(["system:masters", "system:authenticated"], info.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Kubectl_auth_whoami_with_as_reports_the_impersonated_identity()
    {
        await using var cluster = await TestCluster.StartAsync();

        var whoami = (await cluster.Kubectl.RunAsync("auth", "whoami", "--as=jane", "--as-group=developers", "--as-uid=42")).EnsureSuccess();
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews") { Content = new StringContent("{}") };
        request.Headers.Add("Impersonate-User", "jane");
        request.Headers.Add("Impersonate-Extra-Scopes", "read");
        request.Headers.Add("Impersonate-Extra-Team", "blue");
        var review = JsonDocument.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;

        var extra = review.GetProperty("status").GetProperty("userInfo").GetProperty("extra");
        Assert.Equal(["read"], extra.GetProperty("scopes").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["blue"], extra.GetProperty("team").EnumerateArray().Select(v => v.GetString()));
        Assert.Matches(@"Username\s+jane", whoami.Stdout);
        Assert.Matches(@"UID\s+42", whoami.Stdout);
        Assert.Matches(@"Groups\s+\[developers system:authenticated\]", whoami.Stdout);
    }

    [Fact]
    public async Task Agent_service_account_may_impersonate_and_is_reported_as_itself_otherwise()
    {
        await using var cluster = await TestCluster.StartAsync();
        var agentConfig = Path.Combine(cluster.Directory, "agent-kubeconfig");
        await cluster.Server.WriteKubeconfigAsync(agentConfig, cluster.Server.AgentToken);
        var kubectl = new Kubectl(agentConfig, Path.Combine(cluster.Directory, "agent-cache"));

        var self = (await kubectl.RunAsync("auth", "whoami")).EnsureSuccess();
        var impersonated = (await kubectl.RunAsync("auth", "whoami", "--as=system:serviceaccount:team:deployer")).EnsureSuccess();

        Assert.Matches(@"Username\s+system:serviceaccount:plural:agentk", self.Stdout);
        Assert.Matches(@"Username\s+system:serviceaccount:team:deployer", impersonated.Stdout);
        Assert.Contains("system:serviceaccounts:team", impersonated.Stdout);
    }

    [Fact]
    public async Task Missing_or_unknown_tokens_get_401_Unauthorized_Status()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var anonymous = cluster.Http(token: "");
        using var unknown = cluster.Http(token: "not-a-token");

        var none = await anonymous.GetAsync("/api/v1/namespaces");
        var wrong = await unknown.GetAsync("/api/v1/namespaces");
        var version = await anonymous.GetAsync("/version");

        foreach (var response in new[] { none, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var status = await StatusBody.ReadAsync(response);
            Assert.Equal(("Unauthorized", 401), (status.Reason, status.Code));
        }
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task Impersonation_by_a_user_without_the_right_is_forbidden()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var viewer = cluster.Http(KubeEmulatorOptions.DefaultViewerToken);
        viewer.DefaultRequestHeaders.Add("Impersonate-User", "kubernetes-admin");

        var response = await viewer.GetAsync("/api/v1/namespaces");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var status = await StatusBody.ReadAsync(response);
        Assert.Equal("Forbidden", status.Reason);
        Assert.Equal("users \"kubernetes-admin\" is forbidden: User \"viewer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", status.Message);
    }

    [Fact]
    public async Task Read_only_users_can_read_but_not_write()
    {
        await using var cluster = await TestCluster.StartAsync();
        var viewerConfig = Path.Combine(cluster.Directory, "viewer-kubeconfig");
        await cluster.Server.WriteKubeconfigAsync(viewerConfig, KubeEmulatorOptions.DefaultViewerToken);
        var kubectl = new Kubectl(viewerConfig, Path.Combine(cluster.Directory, "viewer-cache"));

        var read = await kubectl.RunAsync("get", "namespaces");
        var write = await kubectl.RunAsync("create", "-f", cluster.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope}\n"));

        read.EnsureSuccess();
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("configmaps is forbidden: User \"viewer\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"", write.Stderr);
    }

    [Fact]
    public async Task Kubectl_auth_can_i_follows_the_seeded_read_only_binding()
    {
        await using var cluster = await TestCluster.StartAsync();

        var admin = await cluster.Kubectl.RunAsync("auth", "can-i", "create", "pods");
        var viewerWrite = await cluster.Kubectl.RunAsync("auth", "can-i", "create", "pods", "--as=viewer", "--as-group=" + KubeEmulatorOptions.ReadOnlyGroup);
        var viewerRead = await cluster.Kubectl.RunAsync("auth", "can-i", "list", "pods", "--as=viewer", "--as-group=" + KubeEmulatorOptions.ReadOnlyGroup);

        Assert.Equal((0, "yes"), (admin.ExitCode, admin.Stdout.Trim()));
        Assert.Equal(1, viewerWrite.ExitCode);
        Assert.StartsWith("no", viewerWrite.Stdout.Trim());
        Assert.Equal("yes", viewerRead.Stdout.Trim());
    }
}
