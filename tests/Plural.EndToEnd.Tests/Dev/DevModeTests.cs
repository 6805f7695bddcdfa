namespace Plural.EndToEnd.Tests.Dev;

/// <summary>The one-command demo, driven the way a newcomer uses it: start it, then run kubectl.</summary>
public sealed class DevModeTests(DevEnvironmentFixture dev) : IClassFixture<DevEnvironmentFixture>
{
    [Fact]
    public async Task Dev_mode_writes_the_admin_token_and_a_kubeconfig_that_reaches_the_cluster_through_the_tunnel()
    {
        Assert.True(File.Exists(Path.Combine(dev.StateDirectory, "admin-token")));
        var kubeconfig = await File.ReadAllTextAsync(Path.Combine(dev.StateDirectory, "kubeconfig"));
        Assert.Contains("/k8s-proxy/dev", kubeconfig);

        var nodes = await dev.KubectlOkAsync("get", "nodes", "-o", "name");
        var pods = await dev.KubectlOkAsync("get", "pods", "-A");

        Assert.Contains("node/", nodes);
        Assert.Contains("Running", pods);
    }

    [Fact]
    public async Task The_cluster_sees_the_impersonated_user_and_groups_not_the_agent()
    {
        var whoami = await dev.KubectlOkAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");

        Assert.StartsWith("plural:user:developer ", whoami);
        Assert.Contains("\"plural:user\"", whoami);
        Assert.Contains("\"developers\"", whoami);
        Assert.DoesNotContain("agentk", whoami);
    }

    [Fact]
    public async Task Asking_to_impersonate_someone_else_is_refused_with_a_readable_error()
    {
        // Discovery first, without --as: kubectl prints discovery failures without the server's message.
        await dev.KubectlOkAsync("get", "namespaces");
        var (code, _, error) = await dev.KubectlAsync("get", "namespace", "default", "--as", "system:admin");

        Assert.NotEqual(0, code);
        Assert.True(error.Contains("Impersonate-* headers"), error);
    }
}
