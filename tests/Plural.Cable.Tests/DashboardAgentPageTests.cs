using Microsoft.Playwright;
using Plural.Cable.Tests.Infrastructure;
using Plural.Protocol.Server;
using static Plural.Cable.Tests.Infrastructure.ShopRepository;

namespace Plural.Cable.Tests;

/// <summary>
/// The dashboard's page of one agent, with a real agent applying a repository to the emulator: its status, its view's
/// age, events as they arrive, GitOps objects with the API server's reasons, and pods answered from the agent's cache.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardAgentPageTests(CablePlatform platform)
{
    private const float Wait = 45_000;

    [Fact]
    public async Task Agent_page_shows_an_event_arriving_a_gitops_failure_with_its_reason_pods_from_the_cache_and_when_it_went_offline()
    {
        var agent = await platform.RegisterAgentAsync("page");
        var (web, db) = ("web-" + agent.Name, "db-" + agent.Name);
        using var repository = LocalGitRepository.Create(new Dictionary<string, string>
        {
            [$".plural/agents/{agent.Name}/config.yaml"] = Config,
            ["deploy/settings.yaml"] = ConfigMap("settings-" + agent.Name),
            ["deploy/refused.yaml"] = ConfigMap("Not_A_Valid_Name"),
            ["deploy/web.yaml"] = Pod(web, "web"),
            ["deploy/db.yaml"] = Pod(db, "db"),
        });
        await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = repository.Url });
        var process = await platform.StartAgentAsync(agent, platform.GatewayB);
        await using var browser = await DashboardBrowser.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(new Uri(platform.GatewayA.HttpUrl, $"/dashboard/#/agents/{agent.Name}?token={CablePlatform.AdminToken}").ToString());
        Assert.DoesNotContain("token", page.Url);
        await Assertions.Expect(page.Locator("#agent-status")).ToHaveAttributeAsync("data-status", "connected", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#agent-status")).ToContainTextAsync(platform.GatewayB.Id);
        var refused = page.Locator("#gitops tr[data-object='default/Not_A_Valid_Name']");
        await Assertions.Expect(refused).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = Wait });
        await Assertions.Expect(refused.Locator("td.reason")).ToContainTextAsync("422 Invalid");
        await Assertions.Expect(page.Locator($"#gitops tr[data-object='default/{web}']")).ToHaveAttributeAsync("data-state", "applied");

        // Only changes after the agent's first full list are events, and the first view follows that list.
        await Assertions.Expect(page.Locator("#view-age")).ToContainTextAsync("computed", new() { Timeout = Wait });
        var ns = "page-" + Guid.NewGuid().ToString("N")[..6];
        await platform.CreateNamespaceAsync(ns);
        await Assertions.Expect(page.Locator("#agent-events li[data-kind='cluster']", new() { HasText = ns })).ToHaveCountAsync(1, new() { Timeout = Wait });

        // The pods table asks the agent's cache, filtered by label; the pods were applied moments ago, so ask until
        // the cache has them, as a user would press Show again.
        var pods = page.Locator("#pods tbody tr");
        await page.Locator("#pods-selector").FillAsync("app=web");
        await Eventually.UntilAsync(async () =>
        {
            await page.Locator("#pods-selector").PressAsync("Enter");
            await Assertions.Expect(page.Locator("#pods-state")).ToHaveAttributeAsync("data-state", "answered", new() { Timeout = Wait });
            return await pods.CountAsync();
        }, count => count == 1, TimeSpan.FromSeconds(45), "the web pod in the agent's cache");
        await Assertions.Expect(pods).ToHaveAttributeAsync("data-pod", $"default/{web}");
        await Assertions.Expect(page.Locator("#pods-state")).ToContainTextAsync("1 pod, cache synced at");
        await browser.ScreenshotAsync("dashboard-agent-page.png");

        await process.KillAsync();
        await process.DisposeAsync();
        await Assertions.Expect(page.Locator("#agent-status")).ToHaveAttributeAsync("data-status", "offline", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#agent-status")).ToContainTextAsync("offline since");
        await Assertions.Expect(page.Locator("#view-age")).ToContainTextAsync("agent offline since");
        await page.Locator("#pods-selector").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#pods-state")).ToContainTextAsync("is offline since", new() { Timeout = Wait });
        await Assertions.Expect(pods).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("dashboard-agent-offline.png");
        Assert.Empty(browser.Errors);
    }
}
