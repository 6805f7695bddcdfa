using Plural.AgentK.Tests.Infrastructure;

namespace Plural.AgentK.Tests.Session;

public sealed class AgentSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Agent_says_hello_then_sends_heartbeats_at_the_gateways_interval()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.HeartbeatIntervalMs = 50;
        await using var agent = await AgentUnderTest.StartAsync(gateway);

        await Eventually.HoldsAsync(() => !gateway.Sessions.IsEmpty, Timeout, "a session");
        var session = gateway.Sessions.Single();
        Assert.Equal("agent-under-test", session.Hello.InstanceId);
        Assert.Contains("tunnel.http.v1", session.Hello.Capabilities);
        Assert.False(string.IsNullOrEmpty(session.Hello.AgentVersion));

        await Eventually.HoldsAsync(() => session.Heartbeats.Count >= 3, Timeout, "three heartbeats");
        await Eventually.HoldsAsync(() => session.Heartbeats.Any(h => h.IdleTunnels == 2 && h.ActiveTunnels == 0), Timeout,
            "a heartbeat reporting the two idle tunnels");
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_logs_Agent_connected_with_gateway_and_agent_ids_when_welcomed()
    {
        await using var gateway = await FakeGateway.StartAsync(gatewayId: "gateway-7");
        await using var agent = await AgentUnderTest.StartAsync(gateway);

        await Eventually.HoldsAsync(() => agent.Status.IsConnected, Timeout, "connected");
        var line = Assert.Single(agent.Logs.Entries, e => e.Message.Contains("Agent connected"));
        Assert.Contains("gateway-7", line.Message);
        Assert.Contains("agent-42", line.Message);
    }
}
