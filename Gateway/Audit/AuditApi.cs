using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;
using Plural.Protocol.Server;

namespace Plural.Gateway.Audit;

/// <summary>The <c>ServerApi</c> call that lists an agent's audited requests and sessions, filtered and a page at a time.</summary>
internal sealed class AuditApi(IGrainFactory grains)
{
    private const int DefaultPageSize = 100;

    public async Task<ListAuditEventsResponse> ListEventsAsync(ListAuditEventsRequest request)
    {
        RegisteredAgents.CheckName(request.Agent, "agent");
        var query = QueryOf(request);
        var page = await grains.GetGrain<IAgentAuditGrain>(request.Agent).List(query);
        return new ListAuditEventsResponse
        {
            Events = { page.Events.Select(AuditEventMapper.ToProto) },
            NextPageToken = page.Next is { } next ? PageToken.Format(next) : "",
        };
    }

    private static AuditQuery QueryOf(ListAuditEventsRequest request)
    {
        if (request.Limit < 0)
        {
            throw Invalid("limit: must not be negative");
        }

        if (request.PageSize < 0)
        {
            throw Invalid("page_size: must not be negative");
        }

        DateTimeOffset? since = request.Since is { } s ? s.ToDateTimeOffset() : null;
        DateTimeOffset? until = request.Until is { } u ? u.ToDateTimeOffset() : null;
        if (since is { } from && until is { } to && to <= from)
        {
            throw Invalid("until: must be after since");
        }

        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = PageToken.Parse(request.PageToken) ?? throw Invalid("page_token: not a token this call returned");
        }

        var size = request.PageSize > 0 ? request.PageSize : request.Limit > 0 ? request.Limit : DefaultPageSize;
        return new AuditQuery(request.User, request.Verb, since, until, before, Math.Min(size, IAgentAuditGrain.Capacity));
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>
    /// Page tokens are the grain's positions, marked so that a caller does not take them for counts it can compute:
    /// the format may change, and a token only has to work with the call that returned it.
    /// </summary>
    private static class PageToken
    {
        private const string Prefix = "a1.";

        public static string Format(long position) => Prefix + position.ToString(CultureInfo.InvariantCulture);

        public static long? Parse(string token) =>
            token.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(token.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0
                ? position
                : null;
    }
}
