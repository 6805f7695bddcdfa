using Plural.AgentK.Tests.Infrastructure;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class TunnelPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task Pool_holds_the_minimum_of_idle_tunnels_after_connecting()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, configure: s => s["Agent:Tunnels:MinIdle"] = "3");

        await Eventually.HoldsAsync(() => gateway.OpenSlots == 3, Timeout, "three open slots");
        await Task.Delay(300);
        Assert.Equal(3, gateway.OpenSlots);
        var status = agent.Status.Snapshot();
        Assert.Equal((3, 0, 3), (status.IdleTunnels, status.ActiveTunnels, status.TotalTunnels));
        Assert.All(gateway.SlotConnectionIds, id => Assert.Equal(gateway.Sessions.Single().ConnectionId, id));
    }
}
