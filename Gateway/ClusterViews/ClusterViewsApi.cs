using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Cluster;
using Plural.Protocol.Kubernetes;
using Plural.Protocol.Server;

namespace Plural.Gateway.ClusterViews;

/// <summary>The <c>ServerApi</c> calls about cluster views, cached queries and cluster events.</summary>
internal sealed class ClusterViewsApi(
    AgentDirectoryFallback directory,
    ClusterViewReads views,
    ClusterQueryClient queries,
    FleetQueryRunner fleet,
    ResumableEventWatcher events,
    IOptions<ClusterQueryOptions> options)
{
    /// <summary>
    /// The last-known view of one agent; while its grain does not answer, the view last read here, marked with
    /// <c>stale_as_of</c>.
    /// </summary>
    public async Task<ClusterViewInfo> GetViewAsync(GetClusterViewRequest request, CancellationToken ct)
    {
        await RegisteredAsync(request.Name, ct);
        return await ViewAsync(request.Name, ct);
    }

    /// <summary>
    /// Last-known views of registered agents, a page at a time. While a directory shard does not answer, the page comes
    /// from this gateway's copy of the directory (<c>stale_as_of</c> on the response); while a view's grain does not
    /// answer, the view last read here (<c>stale_as_of</c> on the view).
    /// </summary>
    public async Task<ListClusterViewsResponse> ListViewsAsync(ListClusterViewsRequest request, CancellationToken ct)
    {
        var size = ListArguments.PageSize(request.PageSize);
        var (page, staleAsOf) = await directory.PageAsync(string.IsNullOrEmpty(request.PageToken) ? null : request.PageToken, size, LabelSelector.Everything,
            connectedOnly: false, ct);
        return new ListClusterViewsResponse
        {
            Views = { await Task.WhenAll(page.Agents.Select(a => ViewAsync(a.Name, ct))) },
            NextPageToken = page.NextAfter ?? "",
            StaleAsOf = staleAsOf is { } asOf ? Timestamp.FromDateTimeOffset(asOf) : null,
        };
    }

    /// <summary>A cached query on one connected agent.</summary>
    public async Task<ClusterQueryResult> QueryAsync(QueryClusterRequest request, CancellationToken ct)
    {
        var agent = await RegisteredAsync(request.Name, ct);
        if (!agent.Connected)
        {
            var since = agent.Since is { } at ? $" since {at:O}" : "";
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"name: agent \"{request.Name}\" is offline{since}; cached queries need a connected agent (GetClusterView keeps its last-known view)"));
        }

        var query = ValidQuery(request.Query);
        var timeout = Timeout(request.TimeoutMs, options.Value.QueryTimeout);
        try
        {
            return ClusterViewsApiMapper.ToProto(await queries.QueryAsync(request.Name, ClusterViewsApiMapper.ToAgent(query), timeout, ct));
        }
        catch (ClusterQueryException failure)
        {
            throw new RpcException(new Status(failure.Code, failure.Message));
        }
    }

    /// <summary>A cached query on every connected agent the selector matches.</summary>
    public async Task<QueryFleetResponse> QueryFleetAsync(QueryFleetRequest request, CancellationToken ct)
    {
        var query = ValidQuery(request.Query);
        var timeout = Timeout(request.TimeoutMs, options.Value.FleetTimeout);
        var selector = ListArguments.Selector(request.AgentSelector, "agent_selector");
        var outcome = await fleet.RunAsync(ClusterViewsApiMapper.ToAgent(query), selector, timeout, ct);
        return new QueryFleetResponse
        {
            Results =
            {
                outcome.Answers.Select(a => new AgentQueryResult
                {
                    Name = a.AgentName,
                    Result = ClusterViewsApiMapper.ToProto(a.Result),
                    ElapsedMs = (long)a.Elapsed.TotalMilliseconds,
                }),
            },
            TimedOut = { outcome.TimedOut },
            Failed = { outcome.Failed.Select(f => new AgentQueryFailure { Name = f.AgentName, Code = f.Code.ToString(), Message = f.Message }) },
            StaleAsOf = outcome.StaleAsOf is { } asOf ? Timestamp.FromDateTimeOffset(asOf) : null,
        };
    }

    /// <summary>Streams one agent's cluster events until the call ends (see <see cref="ResumableEventWatcher"/>).</summary>
    public async Task WatchEventsAsync(WatchClusterEventsRequest request, IServerStreamWriter<ClusterEventInfo> responses, ServerCallContext context)
    {
        await RegisteredAsync(request.Name, context.CancellationToken);
        await events.WatchAsync(request, responses, context);
    }

    private async Task<AgentFound> RegisteredAsync(string name, CancellationToken ct) =>
        (await directory.GetAsync(RegisteredAgents.CheckName(name), ct)).Value
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{name}\" is not registered"));

    private async Task<ClusterViewInfo> ViewAsync(string name, CancellationToken ct)
    {
        try
        {
            var (snapshot, staleAsOf) = await views.ReadAsync(name, ct);
            var info = ClusterViewsApiMapper.ToProto(snapshot);
            info.StaleAsOf = staleAsOf is { } asOf ? Timestamp.FromDateTimeOffset(asOf) : null;
            return info;
        }
        catch (GrainReadUnavailableException unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, unavailable.Message));
        }
    }

    private static ClusterQuery ValidQuery(ClusterQuery? query)
    {
        if (query is null || string.IsNullOrWhiteSpace(query.Kind))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "query.kind: required (for example \"pods\")"));
        }

        if (query.Limit < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "query.limit: must not be negative"));
        }

        return query;
    }

    private TimeSpan Timeout(int milliseconds, TimeSpan fallback)
    {
        if (milliseconds < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "timeout_ms: must not be negative"));
        }

        var max = options.Value.MaxTimeout;
        if (milliseconds > max.TotalMilliseconds)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"timeout_ms: at most {max.TotalMilliseconds:0}"));
        }

        return milliseconds == 0 ? fallback : TimeSpan.FromMilliseconds(milliseconds);
    }
}
