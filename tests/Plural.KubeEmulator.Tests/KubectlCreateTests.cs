using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>kubectl's typed commands send protobuf bodies; the emulator must understand them like the real server.</summary>
public sealed class KubectlCreateTests
{
    [Fact]
    public async Task Kubectl_create_subcommands_and_run_create_the_objects_they_describe()
    {
        await using var cluster = await TestCluster.StartAsync();
        var k = cluster.Kubectl;

        (await k.RunAsync("create", "namespace", "team")).EnsureSuccess();
        (await k.RunAsync("create", "configmap", "settings", "--from-literal=level=debug", "-n", "team")).EnsureSuccess();
        (await k.RunAsync("create", "secret", "generic", "token", "--from-literal=value=s3cret", "-n", "team")).EnsureSuccess();
        (await k.RunAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80", "-n", "team")).EnsureSuccess();
        (await k.RunAsync("expose", "deployment", "web", "--port=8080", "--target-port=80", "-n", "team")).EnsureSuccess();
        (await k.RunAsync("run", "solo", "--image=busybox:1.36", "-n", "team", "--", "sleep", "3600")).EnsureSuccess();
        (await k.RunAsync("create", "serviceaccount", "bot", "-n", "team")).EnsureSuccess();
        await k.RunAsync("rollout", "status", "deployment/web", "-n", "team", "--timeout=20s");

        var state = (await k.RunAsync("get", "configmap/settings", "secret/token", "deployment/web", "service/web", "pod/solo", "serviceaccount/bot", "-n", "team", "-o",
            "jsonpath={.items[0].data.level} {.items[1].data.value} {.items[2].status.readyReplicas} {.items[2].spec.template.spec.containers[0].ports[0].containerPort} {.items[3].spec.ports[0].port} {.items[3].spec.selector.app} {.items[4].spec.containers[0].args} {.items[5].metadata.name}")).EnsureSuccess();
        Assert.Equal("debug czNjcmV0 2 80 8080 web [\"sleep\",\"3600\"] bot", state.Stdout);
    }

    [Fact]
    public async Task Kubectl_create_job_runs_it_to_completion()
    {
        await using var cluster = await TestCluster.StartAsync();

        (await cluster.Kubectl.RunAsync("create", "job", "once", "--image=busybox:1.36")).EnsureSuccess();
        var wait = await cluster.Kubectl.RunAsync("wait", "--for=condition=complete", "job/once", "--timeout=20s");

        Assert.Contains("job.batch/once condition met", wait.EnsureSuccess().Stdout);
    }
}
