using Plural.EndToEnd.Tests.Infrastructure;
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
        await using var agent = await ChangingAgent.StartAsync(platform);

        var run = await MinitestRun.RunSuiteAsync(Environment(platform.ApiUrl, agent), TimeSpan.FromMinutes(4));

        Assert.True(run.Failures == 0 && run.Errors == 0 && run.Skips == 0, run.Output);
        Assert.True(run.Runs >= 19, $"expected the whole suite, got {run.Runs} runs:\n{run.Output}");
    }

    [Fact]
    public async Task The_ruby_gem_resumes_cluster_events_across_a_gateway_restart()
    {
        await MinitestRun.GenerateStubsAsync();
        await using var agent = await ChangingAgent.StartAsync(platform);
        var apiUrl = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var gateway = await platform.StartApiGatewayAsync("gw-ruby-restart", apiUrl);
        var signal = Path.Combine(Path.GetTempPath(), $"plural-ruby-restart-{Guid.NewGuid():N}");
        try
        {
            var environment = new Dictionary<string, string>(Environment(apiUrl, agent)) { ["PLURAL_RESTART_SIGNAL"] = signal };
            var running = MinitestRun.RunFileAsync("gateway_restart.rb", environment, TimeSpan.FromMinutes(2));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!File.Exists(signal) && !running.IsCompleted)
            {
                Assert.True(DateTime.UtcNow < deadline, "the Ruby test never saw its first events");
                await Task.Delay(100);
            }

            if (running.IsCompleted)
            {
                Assert.Fail("the Ruby test ended before the restart:\n" + (await running).Output);
            }

            await gateway.KillAsync();
            await gateway.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(2)); // events keep coming while no gateway serves the watch
            gateway = await platform.StartApiGatewayAsync("gw-ruby-restart", apiUrl);

            var run = await running;
            Assert.True(run.Runs == 1 && run.Failures == 0 && run.Errors == 0 && run.Skips == 0, run.Output);
        }
        finally
        {
            await gateway.DisposeAsync();
            File.Delete(signal);
        }
    }

    private IReadOnlyDictionary<string, string> Environment(Uri apiUrl, ChangingAgent agent) => new Dictionary<string, string>
    {
        ["PLURAL_API"] = apiUrl.Authority,
        ["PLURAL_CA_FILE"] = platform.Certificates.AuthorityFile,
        ["PLURAL_JWT_SECRET_FILE"] = platform.SecretFile,
        ["PLURAL_CONNECTED_AGENT"] = agent.Name,
    };
}
