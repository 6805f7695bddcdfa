using System.Diagnostics;
using System.Net;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Agents;

/// <summary>
/// An agent connection that goes silent without closing (no FIN, no RST) is found out by the gateway's keepalive,
/// not believed forever. The gateway here pings after 1 s of silence and gives up 2 s later; by default it is
/// 30 s + 20 s.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HalfOpenConnectionTests(PlatformFixture platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_silent_agent_connection_is_dropped_by_keepalive_requests_get_503_and_the_agent_reconnects_when_the_link_returns()
    {
        var agent = await platform.RegisterAgentAsync("half-open");
        var (gateway, agentUrl, httpUrl) = await platform.StartGatewayWithAsync(
            "--Gateway:KeepAlivePingInterval=00:00:01", "--Gateway:KeepAlivePingTimeout=00:00:02");
        await using var _ = gateway;
        await using var relay = new FreezableRelay(agentUrl);
        // The agent's own pings are slow, so the gateway is the side that notices.
        await using var process = AgentProcess.Start(agent, relay.Url, platform.Upstream.Url, ["--Agent:KeepAlivePingInterval=00:05:00"]);
        await process.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        using var client = new HttpClient { BaseAddress = httpUrl, Timeout = Wait };
        client.DefaultRequestHeaders.Authorization = new("Bearer", PlatformFixture.AdminToken);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, agent.Name));

        relay.Freeze();
        var frozen = Stopwatch.StartNew();

        await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected, Wait);
        var detected = frozen.Elapsed;
        var answering = Stopwatch.StartNew();
        var status = await StatusAsync(client, agent.Name);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.InRange(answering.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        // 1 s of silence, a 2 s ping timeout and the lease drop; generous for a loaded machine, far below "never".
        Assert.InRange(detected, TimeSpan.Zero, TimeSpan.FromSeconds(15));

        relay.Resume();

        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, Wait);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, agent.Name));
        Assert.True(relay.Connections >= 2, "the agent came back on a new connection");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string agent)
    {
        using var response = await client.GetAsync($"/agents/{agent}/proxy/echo/half-open");
        return response.StatusCode;
    }
}
