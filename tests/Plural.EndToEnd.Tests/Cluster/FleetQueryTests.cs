using System.Diagnostics;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>One <c>QueryFleet</c> call fans a cached query out to many agents, each bounded by the timeout.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FleetQueryTests(PlatformFixture platform)
{
    private const int FleetSize = 50;

    [Fact]
    public async Task A_fleet_query_over_50_agents_returns_50_answers_and_skips_disconnected_agents()
    {
        var fleet = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        await using var agents = await SimulatedFleet.StartAsync(platform, fleet, FleetSize);
        var away = await RegisterAsync(fleet, "away", "gold");

        var response = await platform.Api.QueryFleetAsync(new QueryFleetRequest
        {
            Query = new ClusterQuery { Kind = "pods", CountOnly = true },
            AgentSelector = $"fleet={fleet}",
            TimeoutMs = 10_000,
        });

        Assert.Equal(FleetSize, response.Results.Count);
        Assert.Empty(response.TimedOut);
        Assert.Empty(response.Failed);
        Assert.Equal(agents.All.Select(a => a.Agent.Name).Order(StringComparer.Ordinal), response.Results.Select(r => r.Name));
        Assert.All(response.Results, r => Assert.Equal(agents.Named(r.Name).Pods, r.Result.Count));
        Assert.DoesNotContain(away.Name, response.Results.Select(r => r.Name));
    }

    [Fact]
    public async Task With_5_agents_frozen_a_fleet_query_returns_45_answers_and_names_5_timeouts_within_the_timeout()
    {
        var fleet = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        await using var agents = await SimulatedFleet.StartAsync(platform, fleet, FleetSize);
        var frozen = agents.All.Where((_, i) => i % 10 == 3).ToList();
        frozen.ForEach(a => a.Frozen = true);
        var timeout = TimeSpan.FromSeconds(3);

        var clock = Stopwatch.StartNew();
        var response = await platform.Api.QueryFleetAsync(new QueryFleetRequest
        {
            Query = new ClusterQuery { Kind = "pods", CountOnly = true },
            AgentSelector = $"fleet={fleet}",
            TimeoutMs = (int)timeout.TotalMilliseconds,
        });
        clock.Stop();

        Assert.Equal(FleetSize - frozen.Count, response.Results.Count);
        Assert.Equal(frozen.Select(a => a.Agent.Name).Order(StringComparer.Ordinal), response.TimedOut);
        Assert.Empty(response.Failed);
        Assert.True(clock.Elapsed >= timeout, $"answered after {clock.Elapsed.TotalMilliseconds:0} ms, before the frozen agents timed out");
        // The call is bounded by the timeout; the rest is one round of grain calls and a loaded test machine.
        Assert.True(clock.Elapsed < timeout + TimeSpan.FromSeconds(7), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task The_agent_selector_picks_agents_by_their_registration_labels()
    {
        var fleet = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        await using var agents = await SimulatedFleet.StartAsync(platform, fleet, 6);

        var gold = await platform.Api.QueryFleetAsync(new QueryFleetRequest
        {
            Query = new ClusterQuery { Kind = "pods", CountOnly = true },
            AgentSelector = $"fleet={fleet},tier in (gold)",
        });
        var bad = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => platform.Api.QueryFleetAsync(new QueryFleetRequest
        {
            Query = new ClusterQuery { Kind = "pods" },
            AgentSelector = "tier in gold",
        }).ResponseAsync);

        Assert.Equal(agents.All.Where(a => a.Tier == "gold").Select(a => a.Agent.Name).Order(StringComparer.Ordinal), gold.Results.Select(r => r.Name));
        Assert.Equal(3, gold.Results.Count);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("agent_selector:", bad.Status.Detail);
    }

    [Fact]
    public async Task Listing_only_connected_agents_pages_through_them_in_name_order_with_their_gateway()
    {
        var fleet = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        await using var agents = await SimulatedFleet.StartAsync(platform, fleet, 5);
        var away = await RegisterAsync(fleet, "away", "gold");

        var connected = new List<Agent>();
        var pages = 0;
        var request = new ListAgentsRequest { PageSize = 2, LabelSelector = $"fleet={fleet}", ConnectedOnly = true };
        do
        {
            var page = await platform.Api.ListAgentsAsync(request);
            connected.AddRange(page.Agents);
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0 && pages < 10);
        var everyone = await platform.Api.ListAgentsAsync(new ListAgentsRequest { LabelSelector = $"fleet={fleet}" });

        Assert.Equal(agents.All.Select(a => a.Agent.Name).Order(StringComparer.Ordinal), connected.Select(a => a.Name));
        Assert.Equal(3, pages);
        Assert.All(connected, a =>
        {
            Assert.True(a.Status.Connected);
            var connection = Assert.Single(a.Status.Connections);
            Assert.False(string.IsNullOrEmpty(connection.GatewayId));
            Assert.False(string.IsNullOrEmpty(connection.AgentVersion));
        });
        Assert.Equal(6, everyone.Agents.Count);
        Assert.False(everyone.Agents.Single(a => a.Name == away.Name).Status.Connected);
    }

    private async Task<RegisteredAgent> RegisterAsync(string fleet, string suffix, string tier)
    {
        var name = $"{fleet}-{suffix}";
        var response = await platform.Api.RegisterAgentAsync(new RegisterAgentRequest
        {
            Name = name,
            Labels = { ["fleet"] = fleet, ["tier"] = tier },
        });
        return new RegisteredAgent(name, response.Token.TokenId, response.Token.Token);
    }

    /// <summary>Simulated agents registered with labels <c>fleet</c> and <c>tier</c> and connected to the platform.</summary>
    private sealed class SimulatedFleet : IAsyncDisposable
    {
        private readonly List<(SimulatedAgent Agent, string Tier)> _agents = [];

        public IReadOnlyList<Member> All => [.. _agents.Select(a => new Member(a.Agent, a.Tier))];

        public SimulatedAgent Named(string name) => _agents.Single(a => a.Agent.Name == name).Agent;

        public static async Task<SimulatedFleet> StartAsync(PlatformFixture platform, string fleet, int size)
        {
            var result = new SimulatedFleet();
            var registered = new List<(RegisteredAgent, string)>();
            for (var i = 0; i < size; i++)
            {
                var tier = i % 2 == 0 ? "gold" : "silver";
                var response = await platform.Api.RegisterAgentAsync(new RegisterAgentRequest
                {
                    Name = $"{fleet}-{i:00}",
                    Labels = { ["fleet"] = fleet, ["tier"] = tier },
                });
                registered.Add((new RegisteredAgent($"{fleet}-{i:00}", response.Token.TokenId, response.Token.Token), tier));
            }

            var connected = await Task.WhenAll(registered.Select(async (r, i) => (await SimulatedAgent.ConnectAsync(r.Item1, platform.AgentUrl, pods: 10 + i), r.Item2)));
            result._agents.AddRange(connected);
            foreach (var (agent, _) in connected)
            {
                await platform.WaitForAgentAsync(agent.Agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(30));
            }

            return result;
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_agents.Select(a => a.Agent.DisposeAsync().AsTask()));
        }
    }

    private sealed record Member(SimulatedAgent Agent, string Tier)
    {
        public bool Frozen
        {
            set => Agent.Frozen = value;
        }
    }
}
