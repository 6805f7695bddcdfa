using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.Tunnels;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Agents;

[Collection(PlatformCollection.Name)]
public sealed class AgentLifecycleTests(PlatformFixture platform)
{
    [Fact]
    public async Task Registered_agent_shows_connected_through_its_gateway_with_tunnels()
    {
        var agent = await platform.RegisterAgentAsync("status");
        var before = await platform.Api.GetAgentAsync(new GetAgentRequest { Name = agent.Name });
        Assert.False(before.Status.Connected);
        Assert.Null(before.Status.LastSeen);

        await using var process = await platform.StartAgentAsync(agent);

        var connected = await platform.WaitForAgentAsync(agent.Name,
            a => a.Status.Connected && a.Status.Connections.Sum(c => c.IdleTunnels) >= 2, TimeSpan.FromSeconds(15));
        var connection = Assert.Single(connected.Status.Connections);
        Assert.Equal(platform.GatewayId, connection.GatewayId);
        Assert.Equal($"{agent.Name}-pod", connection.InstanceId);
        Assert.NotNull(connected.Status.Since);
        // The version the agent says hello with is the one the program prints, not the assembly's 1.0.0.0.
        Assert.Equal(await ProductRun.VersionAsync("AgentK"), connection.AgentVersion);
    }

    [Fact]
    public async Task Killing_the_agent_mid_request_gives_the_caller_a_prompt_502_and_status_follows()
    {
        var agent = await platform.RegisterAgentAsync("killed");
        var process = await platform.StartAgentAsync(agent);
        var call = platform.Http.GetAsync($"/agents/{agent.Name}/proxy/hang?id=killed");
        await TunnelForwardingTests.WaitUntil(() => platform.Upstream.Hanging > 0, TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        await process.Process.KillAsync();
        using var response = await call;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"502 took {clock.Elapsed}");
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("lost", status.GetProperty("message").GetString());
        var disconnected = await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected, TimeSpan.FromSeconds(10));
        Assert.Empty(disconnected.Status.Connections);
        // Last seen is when its session ended: after it was killed, not in the future.
        Assert.NotNull(disconnected.Status.LastSeen);
        var lastSeen = disconnected.Status.LastSeen.ToDateTimeOffset();
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow - clock.Elapsed - TimeSpan.FromSeconds(20), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        await process.DisposeAsync();
    }

    [Fact]
    public async Task Agent_reconnects_after_gateway_restart_and_status_follows()
    {
        var agent = await platform.RegisterAgentAsync("restart");
        await using var process = await platform.StartAgentAsync(agent);
        var first = await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));
        var firstGateway = first.Status.Connections.Single().GatewayId;

        await platform.RestartGatewayAsync();

        // The agent comes back before the dead gateway's lease lapses, so it never shows as disconnected;
        // once the lease lapses only the new gateway remains.
        var again = await platform.WaitForAgentAsync(agent.Name,
            a => a.Status.Connected && a.Status.Connections.Count == 1 && a.Status.Connections[0].GatewayId == platform.GatewayId,
            TimeSpan.FromSeconds(30));
        Assert.NotEqual(firstGateway, platform.GatewayId);
        Assert.True(again.Status.Connections[0].ConnectedAt.ToDateTimeOffset() > first.Status.Connections[0].ConnectedAt.ToDateTimeOffset());
        using var response = await platform.Http.GetAsync($"/agents/{agent.Name}/proxy/echo/after-restart");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_agent_gives_404_and_a_registered_but_absent_agent_gives_503()
    {
        using var unknown = await platform.Http.GetAsync("/agents/no-such-agent/proxy/version");
        var absent = await platform.RegisterAgentAsync("absent");
        using var offline = await platform.Http.GetAsync($"/agents/{absent.Name}/proxy/version");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("NotFound", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, offline.StatusCode);
        Assert.Contains("not connected", (await offline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }
}
