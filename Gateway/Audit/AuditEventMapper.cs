using Google.Protobuf.WellKnownTypes;
using Plural.Grains.Audit;
using Plural.Protocol.Server;

namespace Plural.Gateway.Audit;

/// <summary>An audit record as <c>ServerApi</c> returns it. Fields a record stored before they existed lacks stay empty.</summary>
internal static class AuditEventMapper
{
    public static AuditEventInfo ToProto(AuditEvent e)
    {
        var info = new AuditEventInfo
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
            CallerKind = e.CallerKind ?? "",
            Route = e.Route ?? "",
        };
        if (e.ClusterIdentity is { } identity)
        {
            info.ClusterIdentity = new AuditClusterIdentity
            {
                Mode = (Plural.Protocol.Server.ClusterIdentityMode)(int)identity.Mode,
                User = identity.User ?? "",
                Groups = { identity.Groups ?? [] },
            };
        }

        if (e.Session is { } session)
        {
            info.Command.AddRange(session.Command ?? []);
            info.Container = session.Container ?? "";
            info.Ports.AddRange(session.Ports ?? []);
        }

        return info;
    }
}
