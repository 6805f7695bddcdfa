using Microsoft.Playwright;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>The gateway's dashboard's fleet page in Debian's headless Chromium, driven by Playwright.</summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardTests(CablePlatform platform)
{
    private const float Wait = 45_000;

    [Fact]
    public async Task Dashboard_shows_an_agent_connect_report_an_event_and_disconnect()
    {
        var (agent, selector) = await RegisterListedAgentAsync("dash");
        await using var browser = await DashboardBrowser.OpenAsync(1280, 900);
        var page = browser.Page;

        await page.GotoAsync(new Uri(platform.GatewayA.HttpUrl, $"/dashboard/#/?selector={selector}&token={CablePlatform.AdminToken}").ToString());
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

        await browser.ScreenshotAsync("dashboard.png");
        Assert.Empty(browser.Errors);
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected");
    }

    [Fact]
    public async Task Dashboard_stays_open_across_a_drain_of_its_gateway_and_shows_the_next_event_once()
    {
        var (agent, selector) = await RegisterListedAgentAsync("dash-drain");
        await using var draining = await platform.StartGatewayAsync("gw-dash-drain",
            "--Gateway:Drain:ReadinessDelay=00:00:00.500", "--Gateway:Drain:ReconnectSpread=00:00:00.200");
        // The balancer keeps everyone on the gateway about to drain while it is up, then sends them to B.
        await using var balancer = TcpBalancer.Failover(draining.HttpUrl.Port, platform.GatewayB.HttpUrl.Port);
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA);
        await using var browser = await DashboardBrowser.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync($"http://127.0.0.1:{balancer.Port}/dashboard/#/?selector={selector}&token={CablePlatform.AdminToken}");
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
        Assert.Empty(browser.Errors);
    }

    // The shared platform holds many agents; the fleet page lists 50 a page, so each test filters to its own.
    private async Task<(RegisteredAgent Agent, string Selector)> RegisterListedAgentAsync(string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var agent = await platform.RegisterAgentAsync(prefix, new Dictionary<string, string> { ["dashboard-test"] = run });
        return (agent, Uri.EscapeDataString("dashboard-test=" + run));
    }
}
