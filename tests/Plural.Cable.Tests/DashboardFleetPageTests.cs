using Microsoft.Playwright;
using Plural.Cable.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.Cable.Tests;

/// <summary>The dashboard's fleet page beyond one screen of agents: pages, a label filter, and a keyboard to drive them.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardFleetPageTests(CablePlatform platform)
{
    private const float Wait = 45_000;
    private const int Agents = 65;

    [Fact]
    public async Task Fleet_page_shows_65_agents_in_two_pages_filters_them_by_label_and_is_driven_by_keyboard()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var names = new List<string>();
        for (var i = 0; i < Agents; i++)
        {
            var name = $"fleet-{run}-{i:D2}";
            var request = new RegisterAgentRequest { Name = name, Labels = { ["fleet"] = run, ["tier"] = i % 3 == 0 ? "web" : "db" } };
            await platform.Api.RegisterAgentAsync(request);
            names.Add(name);
        }

        await using var browser = await DashboardBrowser.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync(new Uri(platform.GatewayA.HttpUrl, $"/dashboard/#/?selector=fleet%3D{run}&token={CablePlatform.AdminToken}").ToString());
        var rows = page.Locator("#agents-table tbody tr");
        var range = page.Locator("#page-range");

        await Assertions.Expect(rows).ToHaveCountAsync(50, new() { Timeout = Wait });
        await Assertions.Expect(range).ToHaveTextAsync("agents 1–50");
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-agent", names[0]);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-status", "disconnected");
        await browser.ScreenshotAsync("dashboard-fleet-page-1.png");

        // The keyboard alone reaches the next page: tab to the button, press Enter.
        await page.Locator("#next-page").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(range).ToHaveTextAsync("agents 51–65", new() { Timeout = Wait });
        await Assertions.Expect(rows).ToHaveCountAsync(15);
        await Assertions.Expect(rows.Last).ToHaveAttributeAsync("data-agent", names[^1]);
        await Assertions.Expect(page.Locator("#next-page")).ToBeDisabledAsync();
        await browser.ScreenshotAsync("dashboard-fleet-page-2.png");

        await page.Locator("#previous-page").ClickAsync();
        await Assertions.Expect(range).ToHaveTextAsync("agents 1–50", new() { Timeout = Wait });

        // A narrower selector, typed and submitted with Enter, is ListAgents' own filter: 22 of the 65 are web.
        await page.Locator("#selector").FillAsync($"fleet={run},tier=web");
        await page.Locator("#selector").PressAsync("Enter");
        await Assertions.Expect(range).ToHaveTextAsync("agents 1–22", new() { Timeout = Wait });
        await Assertions.Expect(rows).ToHaveCountAsync(22);
        await Assertions.Expect(page.Locator("#next-page")).ToBeDisabledAsync();
        Assert.All(await rows.Locator("td.labels").AllTextContentsAsync(), labels => Assert.Contains("tier=web", labels));

        // A selector ListAgents refuses shows its reason instead of an empty table.
        await page.Locator("#selector").FillAsync("tier in (web");
        await page.Locator("#selector").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#fleet-error")).ToContainTextAsync("label_selector:", new() { Timeout = Wait });
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        Assert.Empty(browser.Errors);
    }
}
