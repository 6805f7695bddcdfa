using Plural.EndToEnd.Tests.KubernetesProxy;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// The agent's image carries a natively published program (no .NET runtime, a quarter less memory per cluster), and
/// that program does what the agent does on the runtime: the tunnel's upgrades and long-lived streams as much as its
/// plain requests. Every other shipped-agent test runs on it too.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed class ShippedAgentImageTests(KubectlPlatformFixture platform)
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_agent_image_holds_a_native_program_that_reports_the_release_and_commit()
    {
        var published = await AgentImage.PublishAsync();

        var version = await ProcessToEnd.RunAsync(new(await AgentImage.ExecutableAsync(), "--version"), TimeSpan.FromMinutes(1));

        var release = (await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "VERSION"))).Trim();
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith($"{release}+{PublishedImages.Revision[..12]}", version.StandardOutput.Trim());
        Assert.False(File.Exists(Path.Combine(published.Directory, "Plural.AgentK.dll")), "the image carries the agent as IL for a runtime");
    }

    [Fact]
    public async Task The_native_agent_carries_exec_a_watch_and_followed_logs_through_the_tunnel()
    {
        await using var shipped = await ShippedAgent.InstallAsync(platform);
        (await shipped.Admin.RunAsync("create", "rolebinding", "ops-edit", "-n", "demo", "--clusterrole=edit", "--user=plural:user:ops")).EnsureSuccess();
        var pod = (await shipped.Admin.RunAsync("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")).EnsureSuccess().Stdout.Trim();
        var ops = await shipped.UserKubectlAsync("B", "ops");

        var exec = await ops.RunAsync("exec", pod, "-n", "demo", "--", "echo", "hi");
        await using var watch = ops.Stream("get", "configmaps", "-n", "demo", "-w", "-o", "name");
        await watch.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);
        (await shipped.Admin.RunAsync("create", "configmap", "watched", "-n", "demo", "--from-literal=k=v")).EnsureSuccess();
        var watched = await watch.WaitForLineAsync(l => l == "configmap/watched", StreamTimeout);
        await using var logs = ops.Stream("logs", "-f", pod, "-n", "demo", "--tail=1");
        var first = await logs.WaitForLineAsync(l => l.Length > 0, StreamTimeout);
        var later = await logs.WaitForLineAsync(l => l != first, StreamTimeout);

        Assert.True(exec.ExitCode == 0, shipped.Describe(exec));
        Assert.Equal("hi\n", exec.Stdout);
        Assert.Equal("configmap/watched", watched);
        Assert.False(watch.HasExited, watch.Stderr);
        Assert.NotEqual(first, later);
        Assert.False(logs.HasExited, logs.Stderr);
    }
}
