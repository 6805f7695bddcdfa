using Grpc.Core;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>The main error of each cluster method: unknown agents, bad arguments, and an offline agent's cache.</summary>
[Collection(MainAppCollection.Name)]
public sealed class ClusterMethodsErrorTests(MainAppPlatform platform)
{
    private static readonly ClusterQuery Pods = new() { Kind = "pods", CountOnly = true };

    [Fact]
    public async Task A_cached_query_on_an_agent_that_never_connected_is_a_failed_precondition()
    {
        var agent = await platform.RegisterAgentAsync("offline");

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.QueryClusterAsync(new QueryClusterRequest { Name = agent.Name, Query = Pods }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("offline", refused.Status.Detail);
    }

    [Fact]
    public async Task Views_queries_and_watches_of_unknown_agents_are_not_found()
    {
        var nobody = MainAppPlatform.UniqueName("nobody");

        var view = await Assert.ThrowsAsync<RpcException>(() => platform.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = nobody }).ResponseAsync);
        var query = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.QueryClusterAsync(new QueryClusterRequest { Name = nobody, Query = Pods }).ResponseAsync);
        using var watch = platform.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = nobody });
        var watched = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());

        Assert.Equal([StatusCode.NotFound, StatusCode.NotFound, StatusCode.NotFound], new[] { view.StatusCode, query.StatusCode, watched.StatusCode });
    }

    [Fact]
    public async Task Bad_arguments_are_refused_naming_the_field()
    {
        var agent = await platform.RegisterAgentAsync("bad-args");

        var views = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.ListClusterViewsAsync(new ListClusterViewsRequest { PageSize = -1 }).ResponseAsync);
        var fleet = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.QueryFleetAsync(new QueryFleetRequest { Query = Pods, AgentSelector = "env in prod" }).ResponseAsync);
        var kind = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.QueryFleetAsync(new QueryFleetRequest { Query = new ClusterQuery() }).ResponseAsync);
        using var watch = platform.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = agent.Name, AfterPosition = long.MaxValue });
        var position = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());

        Assert.All(new[] { views, fleet, kind, position }, e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.StartsWith("page_size:", views.Status.Detail);
        Assert.StartsWith("agent_selector:", fleet.Status.Detail);
        Assert.StartsWith("query.kind:", kind.Status.Detail);
        Assert.StartsWith("after_position:", position.Status.Detail);
    }
}
