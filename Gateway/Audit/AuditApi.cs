using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;
using Plural.Protocol.Server;

namespace Plural.Gateway.Audit;

/// <summary>The <c>ServerApi</c> call that lists the Kubernetes proxy requests made to an agent.</summary>
internal sealed class AuditApi(IGrainFactory grains)
{
    private const int DefaultLimit = 100;

    public async Task<ListAuditEventsResponse> ListEventsAsync(ListAuditEventsRequest request)
    {
        RegisteredAgents.CheckName(request.Agent, "agent");
        if (request.Limit < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "limit: must not be negative"));
        }

        var limit = request.Limit == 0 ? DefaultLimit : Math.Min(request.Limit, IAgentAuditGrain.Capacity);
        var events = await grains.GetGrain<IAgentAuditGrain>(request.Agent).Recent(limit);
        return new ListAuditEventsResponse { Events = { events.Select(ToProto) } };
    }

    private static AuditEventInfo ToProto(AuditEvent e) => new()
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
