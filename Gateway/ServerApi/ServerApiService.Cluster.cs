using Grpc.Core;
using Plural.Gateway.ClusterViews;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

// Cluster views and cached queries: delegated to the cluster feature.
public sealed partial class ServerApiService
{
    /// <inheritdoc />
    public override Task<ClusterViewInfo> GetClusterView(GetClusterViewRequest request, ServerCallContext context) =>
        Cluster(context).GetViewAsync(request);

    /// <inheritdoc />
    public override Task<ListClusterViewsResponse> ListClusterViews(ListClusterViewsRequest request, ServerCallContext context) =>
        Cluster(context).ListViewsAsync(request);

    /// <inheritdoc />
    public override async Task<ClusterQueryResult> QueryCluster(QueryClusterRequest request, ServerCallContext context)
    {
        var agent = await GetSnapshotAsync(request.Name);
        if (!agent.Status.Connected)
        {
            var since = agent.Status.Since is { } at ? $" since {at:O}" : "";
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"name: agent \"{request.Name}\" is offline{since}; cached queries need a connected agent (GetClusterView keeps its last-known view)"));
        }

        return await Cluster(context).QueryAsync(request, context.CancellationToken);
    }

    /// <inheritdoc />
    public override Task<QueryFleetResponse> QueryFleet(QueryFleetRequest request, ServerCallContext context) =>
        Cluster(context).QueryFleetAsync(request, context.CancellationToken);

    /// <inheritdoc />
    public override async Task WatchClusterEvents(WatchClusterEventsRequest request, IServerStreamWriter<ClusterEventInfo> responseStream, ServerCallContext context)
    {
        await GetSnapshotAsync(request.Name);
        await context.GetHttpContext().RequestServices.GetRequiredService<ResumableEventWatcher>().WatchAsync(request, responseStream, context);
    }

    private static ClusterApi Cluster(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<ClusterApi>();
}
