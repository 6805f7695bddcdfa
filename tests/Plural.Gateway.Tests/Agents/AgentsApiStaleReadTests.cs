using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Protocol.Server;

namespace Plural.Gateway.Tests.Agents;

/// <summary>
/// What the main application reads while a silo is lost: an agent whose grain, or a page (or a fleet query's pick of
/// agents) whose directory shard, sat on that silo is answered from the gateway's copy of the directory, marked stale,
/// instead of failing or waiting.
/// </summary>
public sealed class AgentsApiStaleReadTests
{
    private static readonly AgentListing Prod = new("prod", new Dictionary<string, string> { ["env"] = "prod" }, "edge cluster",
        DateTimeOffset.Parse("2026-01-01T00:00:00Z"), true, null, DateTimeOffset.UtcNow, []);

    private readonly GrainReadOptions _reads = new() { CallTimeout = TimeSpan.FromMilliseconds(200) };
    private readonly TaskCompletionSource<AgentSnapshot?> _hungAgent = new();
    private bool _shardsHang;

    [Fact]
    public async Task An_agent_whose_grain_does_not_answer_is_read_from_the_directory_copy_marked_stale()
    {
        var api = Api();
        await api.ListAsync(new ListAgentsRequest(), CancellationToken.None);

        var agent = await api.GetAsync(new GetAgentRequest { Name = "prod" }, CancellationToken.None);

        Assert.Equal(("prod", "prod", true), (agent.Name, agent.Labels["env"], agent.Status.Connected));
        Assert.NotNull(agent.StaleAsOf);
    }

    [Fact]
    public async Task A_page_whose_shard_does_not_answer_comes_from_the_directory_copy_marked_stale()
    {
        var api = Api();
        var live = await api.ListAsync(new ListAgentsRequest { LabelSelector = "env=prod" }, CancellationToken.None);
        _shardsHang = true;

        var stale = await api.ListAsync(new ListAgentsRequest { LabelSelector = "env=prod" }, CancellationToken.None);

        Assert.Null(live.StaleAsOf);
        Assert.NotNull(stale.StaleAsOf);
        Assert.Equal("prod", Assert.Single(stale.Agents).Name);
        Assert.Empty((await api.ListAsync(new ListAgentsRequest { LabelSelector = "env=dev" }, CancellationToken.None)).Agents);
    }

    [Fact]
    public async Task A_page_whose_shard_does_not_answer_on_a_gateway_with_no_copy_yet_is_unavailable()
    {
        _shardsHang = true;

        var refused = await Assert.ThrowsAsync<RpcException>(() => Api().ListAsync(new ListAgentsRequest(), CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    [Fact]
    public async Task An_agent_neither_read_nor_listed_here_is_unavailable_while_its_grain_does_not_answer()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Api().GetAsync(new GetAgentRequest { Name = "prod" }, CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    [Fact]
    public async Task The_connected_agents_a_fleet_query_picks_come_from_the_directory_copy_while_a_shard_does_not_answer()
    {
        var (api, directory) = Build();
        await api.ListAsync(new ListAgentsRequest(), CancellationToken.None);
        _shardsHang = true;

        var (picked, staleAsOf) = await directory.AllAsync(Protocol.Kubernetes.LabelSelector.Parse("env=prod"), connectedOnly: true, CancellationToken.None);
        var (none, _) = await directory.AllAsync(Protocol.Kubernetes.LabelSelector.Parse("env=dev"), connectedOnly: true, CancellationToken.None);

        Assert.Equal("prod", Assert.Single(picked).Name);
        Assert.NotNull(staleAsOf);
        Assert.Empty(none);
    }

    private AgentsApi Api() => Build().Api;

    private (AgentsApi Api, AgentDirectoryFallback Directory) Build()
    {
        var grains = new GrainStubs()
            .On<IAgentGrain>(nameof(IAgentGrain.Get), (_, _) => _hungAgent.Task)
            .On<IAgentDirectoryShardGrain>(nameof(IAgentDirectoryShardGrain.List), (key, args) => _shardsHang
                ? new TaskCompletionSource<AgentListingBatch>().Task
                : Task.FromResult(DirectoryFallbacks.ShardHolding(Prod, int.Parse(key), (AgentListingQuery)args[0]!)));
        var (mirror, _, directory) = DirectoryFallbacks.Build(grains, _reads);
        return (new AgentsApi(null!, null!, grains.Factory, directory, mirror, null!, null!), directory);
    }
}
