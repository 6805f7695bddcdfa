using Microsoft.Playwright;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>
/// What an operator reads on the dashboard about an agent that is connected but not well: each replica's version and
/// failing conditions with their reasons, on the agent's page and in the fleet's table, changing as the agent reports.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardHealthTests(CablePlatform platform) : IDisposable
{
    private const float Wait = 60_000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("plural-dashboard-health-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Both_pages_show_an_agent_refused_by_its_api_server_with_its_version_and_turn_healthy_without_a_reload()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var agent = await platform.RegisterAgentAsync("health", new Dictionary<string, string> { ["health"] = run });
        var tokenFile = Path.Combine(_directory.FullName, "service-account-token");
        await File.WriteAllTextAsync(tokenFile, "not-a-token-this-cluster-issued");
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA, "pod",
            $"--Agent:Upstream:BearerTokenFile={tokenFile}", "--Agent:Cache:InitialBackoff=00:00:00.200", "--Agent:Cache:MaxBackoff=00:00:01");
        await using var browser = await DashboardBrowser.OpenAsync();
        var agentPage = browser.Page;
        var fleetPage = await browser.NewTabAsync();

        await agentPage.GotoAsync(new Uri(platform.GatewayA.HttpUrl, $"/dashboard/#/agents/{agent.Name}?token={CablePlatform.AdminToken}").ToString());
        var replica = agentPage.Locator($"#agent-replicas tr[data-instance='{agent.Name}-pod']");
        await Assertions.Expect(replica.Locator("td.health")).ToHaveAttributeAsync("data-health", "failing", new() { Timeout = Wait });
        await Assertions.Expect(replica.Locator("li[data-condition='upstream']")).ToContainTextAsync("API server answered 401 (Unauthorized)");
        var reported = await platform.Api.GetAgentAsync(new() { Name = agent.Name });
        var version = reported.Status.Connections.Single().AgentVersion;
        await Assertions.Expect(replica.Locator("td.version")).ToHaveTextAsync(version);

        await fleetPage.GotoAsync(new Uri(platform.GatewayA.HttpUrl, $"/dashboard/#/?selector=health%3D{run}&token={CablePlatform.AdminToken}").ToString());
        var row = fleetPage.Locator($"#agents-table tr[data-agent='{agent.Name}']");
        await Assertions.Expect(row.Locator("td.health")).ToHaveAttributeAsync("data-health", "failing", new() { Timeout = Wait });
        await Assertions.Expect(row.Locator("td.health")).ToContainTextAsync("upstream");
        await Assertions.Expect(row.Locator("td.version")).ToHaveTextAsync(version);
        await browser.ScreenshotAsync("dashboard-agent-failing.png");

        // The cluster starts accepting the agent: both open pages learn it from /cable, neither is reloaded.
        await File.WriteAllTextAsync(tokenFile, platform.Emulator.AgentToken);

        await Assertions.Expect(replica.Locator("td.health")).ToHaveAttributeAsync("data-health", "ok", new() { Timeout = Wait });
        await Assertions.Expect(replica.Locator("li[data-condition]")).ToHaveCountAsync(0);
        await Assertions.Expect(row.Locator("td.health")).ToHaveAttributeAsync("data-health", "ok", new() { Timeout = Wait });
        await Assertions.Expect(fleetPage.Locator("#feed li[data-kind='health']", new() { HasText = agent.Name }).First)
            .ToContainTextAsync("all conditions ok");
        Assert.Empty(browser.Errors);
    }
}
