using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.RubyGem;

/// <summary>
/// The gem's minitest suite (clients/ruby/test) against the main-application platform: TLS with the gateway's CA, the
/// shared JWT secret, and one connected agent whose cluster keeps changing so that its events can be followed.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class RubyGemTests(MainAppPlatform platform)
{
    [Fact]
    public async Task The_ruby_gem_suite_passes_against_a_running_platform()
    {
        await MinitestRun.GenerateStubsAsync();
        await using var cluster = await EmulatedCluster.StartAsync();
        await cluster.CreateNamespaceAsync("shop");
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 2);
        var agent = await platform.RegisterAgentAsync("rubygem", new Dictionary<string, string> { ["suite"] = "rubygem" });
        await using var process = await platform.StartAgentAsync(agent.Name, agent.Token, cluster.Server.Url, cluster.AgentArgs());

        // Every scale emits at least one event, so the suite's watches always have something to follow.
        using var stop = new CancellationTokenSource();
        var changes = KeepScalingAsync(cluster, stop.Token);
        MinitestRun run;
        try
        {
            run = await MinitestRun.RunSuiteAsync(new Dictionary<string, string>
            {
                ["PLURAL_API"] = platform.ApiUrl.Authority,
                ["PLURAL_CA_FILE"] = platform.Certificates.AuthorityFile,
                ["PLURAL_JWT_SECRET_FILE"] = platform.SecretFile,
                ["PLURAL_CONNECTED_AGENT"] = agent.Name,
            }, TimeSpan.FromMinutes(4));
        }
        finally
        {
            await stop.CancelAsync();
            await changes;
        }

        Assert.True(run.Failures == 0 && run.Errors == 0 && run.Skips == 0, run.Output);
        Assert.True(run.Runs >= 19, $"expected the whole suite, got {run.Runs} runs:\n{run.Output}");
    }

    private static async Task KeepScalingAsync(EmulatedCluster cluster, CancellationToken ct)
    {
        var replicas = 2;
        while (!ct.IsCancellationRequested)
        {
            await cluster.ScaleAsync("shop", "web", replicas = replicas % 4 + 1);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
