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

        Assert.StartsWith("plural:user:dev-user ", whoami);
        Assert.Contains("\"plural:user\"", whoami);
        Assert.Contains("\"dev-team\"", whoami);
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

    [Fact]
    public async Task A_watch_through_the_tunnel_delivers_a_change_made_directly_on_the_cluster()
    {
        var name = "watched-" + Guid.NewGuid().ToString("N")[..6];
        var info = new System.Diagnostics.ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--kubeconfig", Path.Combine(dev.StateDirectory, "kubeconfig"), "get", "configmaps", "-n", "default", "-w", "-o", "name" })
        {
            info.ArgumentList.Add(arg);
        }

        using var watch = System.Diagnostics.Process.Start(info)!;
        try
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watch.OutputDataReceived += (_, e) =>
            {
                // Every namespace holds kube-root-ca.crt: once it is printed, the initial list is done and the watch
                // runs from that list's version, so the object created next can only arrive as a watch event.
                if (e.Data == "configmap/kube-root-ca.crt")
                {
                    listed.TrySetResult();
                }

                if (e.Data?.Contains(name) == true)
                {
                    seen.TrySetResult();
                }
            };
            watch.BeginOutputReadLine();
            await listed.Task.WaitAsync(TimeSpan.FromSeconds(30));

            await dev.KubectlOkDirectAsync("create", "configmap", name, "-n", "default", "--from-literal=k=v");

            await seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }
}
