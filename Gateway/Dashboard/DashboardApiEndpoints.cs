using System.Globalization;
using Grpc.Core;
using Plural.Gateway.Access;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.Listeners;
using Plural.Protocol.Server;

namespace Plural.Gateway.Dashboard;

/// <summary>
/// The dashboard's reads that <c>/cable</c> does not carry, as JSON with the caller's token in
/// <c>Authorization: Bearer</c>: a page of the fleet (<c>GET /dashboard/api/agents</c>) and a kind from an agent's
/// cache (<c>GET /dashboard/api/agents/{agent}/cache/{kind}</c>). Both go through the same calls as <c>ServerApi</c>,
/// so they page, filter and fail as <c>ListAgents</c> and <c>QueryCluster</c> do.
/// </summary>
internal static class DashboardApiEndpoints
{
    /// <summary>The route prefix.</summary>
    public const string Route = DashboardEndpoint.Route + "/api";

    // A table a person reads: past this the page says the answer was cut and the filter should narrow it.
    private const int CacheRowLimit = 500;

    /// <summary>Maps the dashboard's JSON reads on the HTTP listener.</summary>
    public static WebApplication MapDashboardApi(this WebApplication app)
    {
        var http = new ListenerMetadata(ListenerKind.Http);
        app.MapGet(Route + "/agents", ListAgentsAsync).WithMetadata(http);
        app.MapGet(Route + "/agents/{agent}/cache/{kind}", QueryCacheAsync).WithMetadata(http);
        return app;
    }

    private static Task ListAgentsAsync(HttpContext context, CallerAuthenticator authenticator, DashboardAgentList agents) =>
        DashboardResponse.WriteAsync(context, authenticator, async (caller, ct) =>
        {
            var query = context.Request.Query;
            return await agents.PageAsync(caller, new ListAgentsRequest
            {
                PageSize = Number(query["page_size"], "page_size"),
                PageToken = query["page_token"].ToString(),
                LabelSelector = query["selector"].ToString(),
            }, ct);
        });

    private static Task QueryCacheAsync(HttpContext context, string agent, string kind, CallerAuthenticator authenticator, ClusterViewsApi views) =>
        DashboardResponse.WriteAsync(context, authenticator, async (caller, ct) =>
        {
            if (!caller.MayAccess(agent))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"you may not see agent {agent}"));
            }

            var query = context.Request.Query;
            return await views.QueryAsync(new QueryClusterRequest
            {
                Name = agent,
                Query = new ClusterQuery
                {
                    Kind = kind,
                    Namespace = query["namespace"].ToString(),
                    LabelSelector = query["selector"].ToString(),
                    Limit = CacheRowLimit,
                },
            }, ct);
        });

    private static int Number(string? text, string field) =>
        string.IsNullOrEmpty(text) ? 0
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: must be a whole number"));
}
