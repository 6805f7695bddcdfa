using System.Diagnostics;
using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;
using Xunit.Abstractions;

namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// A silo killed and started again under a running gateway and agent: its repository pollers come back by themselves
/// and a push notification still reaches the agent that never restarted.
/// </summary>
public sealed class SiloRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Nothing calls a poller after the restart: its reminder (a one-minute period) brings it back.
    private static readonly TimeSpan ReminderPatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task After_a_silo_restart_pollers_resume_and_a_push_notification_still_reaches_the_running_agent()
    {
        await using var git = await GitDaemon.StartAsync();
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var platform = await RestartablePlatform.StartAsync();
        var agent = await platform.RegisterAgentAsync("restart");
        var repo = "fleet-" + agent.Name;
        git.Create(repo, new Dictionary<string, string>
        {
            [ShopRepository.ConfigPath(agent.Name)] = ShopRepository.Config("namespaces"),
            ["deploy/namespace.yaml"] = ShopRepository.Namespace,
            ["deploy/settings.yaml"] = ShopRepository.ConfigMap("settings", "hello"),
        });
        await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = git.Url(repo) });
        await using var process = AgentProcess.Start(agent, platform.AgentUrl, cluster.Server.Url,
            cluster.AgentArgs("--Agent:GitOps:InventoryNamespace=default"));
        await GreetingAsync(cluster, platform, process, "settings", "hello", Patience);

        await platform.RestartSiloAsync();
        var restarted = Stopwatch.StartNew();

        git.Commit(repo, new Dictionary<string, string> { ["deploy/polled.yaml"] = ShopRepository.ConfigMap("polled", "by-itself") });
        await GreetingAsync(cluster, platform, process, "polled", "by-itself", ReminderPatience);
        output.WriteLine($"silo start to a polled commit applied: {restarted.ElapsedMilliseconds} ms");

        var pushed = git.Commit(repo, new Dictionary<string, string> { ["deploy/pushed.yaml"] = ShopRepository.ConfigMap("pushed", "at-once") });
        var notified = Stopwatch.StartNew();
        var refs = await platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = git.Url(repo) });
        Assert.Equal(pushed, Assert.Single(refs.Refs).Commit);
        await GreetingAsync(cluster, platform, process, "pushed", "at-once", Patience);
        output.WriteLine($"push notification to applied after the restart: {notified.ElapsedMilliseconds} ms");

        Assert.False(process.Process.HasExited, "the agent process exited");
        var status = await platform.Api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = agent.Name });
        Assert.Equal(pushed, Assert.Single(status.Targets).DesiredCommit);
    }

    private static async Task GreetingAsync(EmulatedCluster cluster, RestartablePlatform platform, AgentProcess agent, string name, string greeting,
        TimeSpan timeout)
    {
        try
        {
            await Eventually.GetAsync(async () =>
                (await cluster.FindConfigMapAsync("shop", name))?.Data["greeting"] == greeting ? name : null,
                timeout, $"ConfigMap shop/{name} with greeting {greeting}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{platform.Diagnostics()}\n--- agent\n{agent.Process.Output}", ex);
        }
    }
}
