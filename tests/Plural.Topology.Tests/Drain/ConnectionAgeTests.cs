using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;

namespace Plural.Topology.Tests.Drain;

[Collection(PostgresTopologyCollection.Name)]
public sealed class ConnectionAgeTests(PostgresTopologyFixture fixture)
{
    [Fact]
    public async Task Agent_connected_longer_than_the_age_limit_is_asked_to_reconnect_and_comes_back()
    {
        var gateway = await fixture.Cluster.StartGatewayAsync("gw-aging", inRotation: false,
            "--Gateway:Drain:MaxConnectionAge=00:00:02", "--Gateway:Drain:MaxConnectionAgeJitter=0");
        try
        {
            var name = "aging-" + Guid.NewGuid().ToString("N")[..6];
            var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
            using var agent = AgentFleet.BuildAgent(name, token, gateway.Endpoint.AgentUrl, fixture.Upstream.Url);
            await agent.StartAsync();
            try
            {
                var connections = new HashSet<DateTime>();
                var deadline = DateTime.UtcNow.AddSeconds(40);
                while (connections.Count < 3 && DateTime.UtcNow < deadline)
                {
                    var status = (await fixture.Api.GetAgentAsync(new GetAgentRequest { Name = name })).Status;
                    foreach (var connection in status.Connections.Where(c => c.GatewayId == "gw-aging"))
                    {
                        connections.Add(connection.ConnectedAt.ToDateTime());
                    }

                    await Task.Delay(250);
                }

                // Each new connection time is a reconnect the age limit asked for; the gateway kept running.
                Assert.True(connections.Count >= 3, $"saw {connections.Count} connections of the agent in 40 s");
                Assert.False(gateway.Process.HasExited);
                Assert.True(gateway.Process.Printed("connection age limit") || gateway.Process.Printed("to reconnect: connected for"));
            }
            finally
            {
                await agent.StopAsync();
            }
        }
        finally
        {
            await fixture.Cluster.StopGatewayAsync(gateway, kill: true);
        }
    }
}
