using Microsoft.Playwright;
using Plural.EndToEnd.Tests.MainApp;
using Plural.EndToEnd.Tests.RubyGem;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.RailsExample;

/// <summary>
/// The example Rails app (examples/rails) against the main-application platform, as a Rails team runs it: its own
/// request tests with <c>bin/rails test</c>, and its agent page served by <c>bin/rails server</c> in Debian's
/// headless Chromium, receiving cluster events from the gateway's <c>/cable</c>.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class RailsExampleTests(MainAppPlatform platform)
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Wait = 45_000;

    [Fact]
    public async Task The_example_apps_request_tests_pass_against_a_running_platform()
    {
        await RailsApp.PrepareAsync();
        await using var agent = await ChangingAgent.StartAsync(platform);

        var run = await RailsApp.TestAsync(Environment(agent, "test"));

        Assert.True(run.Failures == 0 && run.Errors == 0 && run.Skips == 0, run.Output);
        Assert.True(run.Runs >= 7, $"expected every request test of the example, got {run.Runs} runs:\n{run.Output}");
    }

    [Fact]
    public async Task The_agent_page_shows_a_cluster_event_arriving_over_cable()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; test.sh installs Debian's chromium package");
        await RailsApp.PrepareAsync();
        await using var agent = await ChangingAgent.StartAsync(platform);
        await using var server = await RailsApp.StartServerAsync(Environment(agent, "development"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        // The gateway's certificate comes from the test's throwaway CA, which the browser does not know; a real
        // gateway serves /cable with a certificate browsers trust.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        try
        {
            await page.GotoAsync(new Uri(server.Url, $"/agents/{agent.Name}").ToString());
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync($"{agent.Name} connected", new() { Timeout = Wait });
            await Assertions.Expect(page.Locator("#cluster-view .nodes")).ToContainTextAsync("nodes ready", new() { Timeout = Wait });
            // Events are only sent to confirmed subscriptions: change the cluster once the page is subscribed.
            var feed = page.Locator("#cluster-events");
            await Assertions.Expect(feed).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Wait });

            var ns = "rails-" + Guid.NewGuid().ToString("N")[..6];
            await agent.Cluster.CreateNamespaceAsync(ns);

            await Assertions.Expect(feed.Locator("li", new() { HasText = $"ADDED Namespace {ns}" })).ToHaveCountAsync(1, new() { Timeout = Wait });
            Assert.Empty(errors);
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryLayout.Artifacts, "rails-agent-page.png"), FullPage = true });
        }
    }

    // An agent reports what its cluster held at start as its first view; only changes after it are events.
    private Dictionary<string, string> Environment(ChangingAgent agent, string railsEnvironment) => new()
    {
        ["RAILS_ENV"] = railsEnvironment,
        ["PLURAL_API"] = platform.ApiUrl.Authority,
        ["PLURAL_CA_FILE"] = platform.Certificates.AuthorityFile,
        ["PLURAL_JWT_SECRET_FILE"] = platform.SecretFile,
        ["PLURAL_CABLE_URL"] = $"wss://{platform.HttpUrl.Authority}/cable",
        ["PLURAL_AGENT_GATEWAY_URL"] = platform.AgentUrl.ToString(),
        ["PLURAL_CONNECTED_AGENT"] = agent.Name,
    };
}
