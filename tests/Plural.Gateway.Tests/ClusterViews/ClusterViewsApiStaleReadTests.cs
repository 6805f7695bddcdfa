using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Fleet;
using Plural.Protocol.Server;

namespace Plural.Gateway.Tests.ClusterViews;

/// <summary>
/// What the main application's view pages get while a silo is lost: a view whose grain sat on that silo is the one
/// this gateway read last, marked stale with its age counted on, and a page whose directory shard sat there is picked
/// from the gateway's copy of the directory, instead of the call failing or waiting.
/// </summary>
public sealed class ClusterViewsApiStaleReadTests
{
    private static readonly AgentListing Prod = new("prod", new Dictionary<string, string>(), "edge cluster",
        DateTimeOffset.Parse("2026-01-01T00:00:00Z"), true, null, DateTimeOffset.UtcNow, []);

    private static readonly AgentSnapshot ProdAgent = new(new AgentRegistration("prod", new Dictionary<string, string>(), "edge cluster",
        DateTimeOffset.Parse("2026-01-01T00:00:00Z")), [], new AgentConnectionStatus(true, null, []));

    private static readonly ClusterViewSnapshot ProdView = new("prod", null, DateTimeOffset.UtcNow.AddSeconds(-5), TimeSpan.FromSeconds(5), false, null);

    private readonly GrainReadOptions _reads = new() { CallTimeout = TimeSpan.FromMilliseconds(200) };
    private bool _agentsHang, _viewsHang, _shardsHang;

    [Fact]
    public async Task A_view_whose_grain_stops_answering_is_the_one_read_last_marked_stale_and_aged_on()
    {
        var api = Api();
        var live = await api.GetViewAsync(new GetClusterViewRequest { Name = "prod" }, CancellationToken.None);
        (_agentsHang, _viewsHang) = (true, true);
        await Task.Delay(50);

        var stale = await api.GetViewAsync(new GetClusterViewRequest { Name = "prod" }, CancellationToken.None);

        Assert.Null(live.StaleAsOf);
        Assert.Equal(("prod", false), (stale.Name, stale.Offline));
        Assert.NotNull(stale.StaleAsOf);
        Assert.True(stale.AgeMs >= live.AgeMs + 50, $"the stale view's age {stale.AgeMs} ms does not count on from {live.AgeMs} ms");
    }

    [Fact]
    public async Task A_page_of_views_while_its_shard_and_the_view_grains_do_not_answer_comes_from_what_this_gateway_read()
    {
        var api = Api();
        var live = await api.ListViewsAsync(new ListClusterViewsRequest(), CancellationToken.None);
        (_shardsHang, _viewsHang) = (true, true);

        var stale = await api.ListViewsAsync(new ListClusterViewsRequest(), CancellationToken.None);

        Assert.Null(live.StaleAsOf);
        Assert.Null(Assert.Single(live.Views).StaleAsOf);
        Assert.NotNull(stale.StaleAsOf);
        Assert.NotNull(Assert.Single(stale.Views, v => v.Name == "prod").StaleAsOf);
    }

    [Fact]
    public async Task A_view_never_read_here_is_unavailable_while_its_grain_does_not_answer()
    {
        _viewsHang = true;

        var refused = await Assert.ThrowsAsync<RpcException>(() => Api().GetViewAsync(new GetClusterViewRequest { Name = "prod" }, CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("prod", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_view_of_an_agent_that_is_not_registered_is_not_found()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Api().GetViewAsync(new GetClusterViewRequest { Name = "staging" }, CancellationToken.None));

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
    }

    private ClusterViewsApi Api()
    {
        var grains = new GrainStubs()
            .On<IAgentGrain>(nameof(IAgentGrain.Get), (key, _) => _agentsHang
                ? new TaskCompletionSource<AgentSnapshot?>().Task
                : Task.FromResult(key == "prod" ? ProdAgent : null))
            .On<IClusterViewGrain>(nameof(IClusterViewGrain.Get), (key, _) => _viewsHang
                ? new TaskCompletionSource<ClusterViewSnapshot>().Task
                : Task.FromResult(ProdView with { AgentId = key }))
            .On<IAgentDirectoryShardGrain>(nameof(IAgentDirectoryShardGrain.List), (key, args) => _shardsHang
                ? new TaskCompletionSource<AgentListingBatch>().Task
                : Task.FromResult(DirectoryFallbacks.ShardHolding(Prod, int.Parse(key), (AgentListingQuery)args[0]!)));
        var (_, _, directory) = DirectoryFallbacks.Build(grains, _reads);
        var views = new ClusterViewReads(grains.Factory, Options.Create(_reads), TimeProvider.System, NullLogger<ClusterViewReads>.Instance);
        return new ClusterViewsApi(directory, views, null!, null!, null!, Options.Create(new ClusterQueryOptions()));
    }
}
