using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Grains.Agents;
using Plural.Grains.Audit;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

// Audit: the Kubernetes proxy requests made to each agent.
public sealed partial class ServerApiService
{
    private const int DefaultAuditLimit = 100;

    /// <inheritdoc />
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        if (!AgentName.IsValid(request.Agent))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"agent: {AgentName.Requirement}"));
        }

        if (request.Limit < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "limit: must not be negative"));
        }

        var limit = request.Limit == 0 ? DefaultAuditLimit : Math.Min(request.Limit, IAgentAuditGrain.Capacity);
        var events = await grains.GetGrain<IAgentAuditGrain>(request.Agent).Recent(limit);
        return new ListAuditEventsResponse { Events = { events.Select(ToAuditProto) } };
    }

    private static AuditEventInfo ToAuditProto(AuditEvent e) => new()
    {
        Time = Timestamp.FromDateTimeOffset(e.Time),
        RequestId = e.RequestId,
        Gateway = e.Gateway,
        Agent = e.Agent,
        User = e.User,
        Groups = { e.Groups },
        Verb = e.Request.Verb,
        ApiGroup = e.Request.ApiGroup,
        Resource = e.Request.Resource,
        Subresource = e.Request.Subresource,
        Namespace = e.Request.Namespace,
        Name = e.Request.Name,
        NonResourcePath = e.Request.NonResourcePath,
        Status = e.Status,
        DurationMs = e.Duration.TotalMilliseconds,
        BytesIn = e.BytesIn,
        BytesOut = e.BytesOut,
    };
}
