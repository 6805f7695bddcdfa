using Microsoft.Playwright;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>The gateway's dashboard in Debian's headless Chromium, driven by Playwright.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardTests(CablePlatform platform)
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Wait = 45_000;

    [Fact]
    public async Task Dashboard_shows_an_agent_connect_report_an_event_and_disconnect()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; test.sh installs Debian's chromium package");
        var agent = await platform.RegisterAgentAsync("dash");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(new Uri(platform.GatewayA.HttpUrl, "/dashboard/#token=" + CablePlatform.AdminToken).ToString());
        var row = page.Locator($"tr[data-agent='{agent.Name}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "disconnected", new() { Timeout = Wait });
        Assert.DoesNotContain("token", page.Url);

        var process = await platform.StartAgentAsync(agent, platform.GatewayA);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "connected", new() { Timeout = Wait });
        await Assertions.Expect(row).ToContainTextAsync(platform.GatewayA.Id, new() { Timeout = Wait });
        // An agent reports its first view once every informer has listed; only changes after that list are
        // events (what was there before is state, shown by the view). "Agent connected" comes earlier, by
        // seconds on a loaded machine, so a namespace created then could land in the first list unreported.
        await Assertions.Expect(page.Locator($".view[data-agent='{agent.Name}']")).ToContainTextAsync("nodes", new() { Timeout = Wait });
        var ns = "dash-" + Guid.NewGuid().ToString("N")[..6];
        await platform.CreateNamespaceAsync(ns);
        await Assertions.Expect(page.Locator("#feed li[data-kind='cluster']", new() { HasText = ns })).ToHaveCountAsync(1, new() { Timeout = Wait });

        await process.KillAsync();
        await process.DisposeAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "disconnected", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#feed li[data-kind='status']", new() { HasText = $"{agent.Name}  disconnected" })).ToHaveCountAsync(1, new() { Timeout = Wait });

        var screenshot = Path.Combine(RepositoryLayout.Artifacts, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 0);
        Assert.Empty(errors);
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected");
    }

    [Fact]
    public async Task Dashboard_stays_open_across_a_drain_of_its_gateway_and_shows_the_next_event_once()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; test.sh installs Debian's chromium package");
        var agent = await platform.RegisterAgentAsync("dash-drain");
        await using var draining = await platform.StartGatewayAsync("gw-dash-drain",
            "--Gateway:Drain:ReadinessDelay=00:00:00.500", "--Gateway:Drain:ReconnectSpread=00:00:00.200");
        // The balancer keeps everyone on the gateway about to drain while it is up, then sends them to B.
        await using var balancer = TcpBalancer.Failover(draining.HttpUrl.Port, platform.GatewayB.HttpUrl.Port);
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync($"http://127.0.0.1:{balancer.Port}/dashboard/#token={CablePlatform.AdminToken}");
        var row = page.Locator($"tr[data-agent='{agent.Name}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "connected", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator($".view[data-agent='{agent.Name}']")).ToContainTextAsync("nodes", new() { Timeout = Wait });
        var before = "drain-before-" + Guid.NewGuid().ToString("N")[..6];
        await platform.CreateNamespaceAsync(before);
        await Assertions.Expect(page.Locator("#feed li[data-kind='cluster']", new() { HasText = before })).ToHaveCountAsync(1, new() { Timeout = Wait });

        using var http = new HttpClient { BaseAddress = draining.HttpUrl };
        using var drain = new HttpRequestMessage(HttpMethod.Post, "/admin/drain") { Headers = { Authorization = new("Bearer", CablePlatform.AdminToken) } };
        var drainedAt = DateTime.UtcNow;
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.SendAsync(drain)).StatusCode);

        // The page is told to reconnect, comes back through the balancer to B, and resumes where it was.
        var connection = page.Locator("#connection");
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-reconnects", "1", new() { Timeout = Wait });
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Wait });
        Assert.Contains(platform.GatewayB.HttpUrl.Port, balancer.Routed);
        var after = "drain-after-" + Guid.NewGuid().ToString("N")[..6];
        await platform.CreateNamespaceAsync(after);
        await Assertions.Expect(page.Locator("#feed li[data-kind='cluster']", new() { HasText = after })).ToHaveCountAsync(1, new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#feed li[data-kind='cluster']", new() { HasText = before })).ToHaveCountAsync(1);

        // Open WebSockets did not hold the drain to its 30 s deadline: the gateway handed them over and exited.
        var exited = await Eventually.UntilAsync(() => Task.FromResult(draining.Process.HasExited), done => done, TimeSpan.FromSeconds(25), "the drained gateway exited");
        Assert.True(exited && DateTime.UtcNow - drainedAt < TimeSpan.FromSeconds(25), $"the drain took {DateTime.UtcNow - drainedAt}");
        Assert.Empty(errors);
    }
}
