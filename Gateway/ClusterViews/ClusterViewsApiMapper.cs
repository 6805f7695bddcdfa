using Google.Protobuf.WellKnownTypes;
using Plural.Grains.Cluster;
using AgentProtocol = Plural.Protocol.Agent;
using Server = Plural.Protocol.Server;

namespace Plural.Gateway.ClusterViews;

/// <summary>Maps views and query results to the <c>ServerApi</c> messages, and <c>ServerApi</c> queries to the agent's.</summary>
internal static class ClusterViewsApiMapper
{
    /// <summary>A view snapshot as <c>ServerApi</c> shows it.</summary>
    public static Server.ClusterViewInfo ToProto(ClusterViewSnapshot snapshot)
    {
        var info = new Server.ClusterViewInfo
        {
            Name = snapshot.AgentId,
            Offline = snapshot.Offline,
            AgeMs = (long)(snapshot.Age?.TotalMilliseconds ?? 0),
        };
        if (snapshot.View is { } view)
        {
            info.View = ToProto(view);
        }

        if (snapshot.ReceivedAt is { } received)
        {
            info.ReceivedAt = Timestamp.FromDateTimeOffset(received);
        }

        if (snapshot.StatusSince is { } since)
        {
            info.StatusSince = Timestamp.FromDateTimeOffset(since);
        }

        return info;
    }

    /// <summary>A view record as a <c>ServerApi</c> message.</summary>
    public static Server.ClusterView ToProto(ClusterView view) => new()
    {
        Sequence = view.Sequence,
        NodeCount = view.NodeCount,
        NodesReady = view.NodesReady,
        Pods =
        {
            view.PodsByNamespace.Select(p => new Server.NamespacePods
            {
                Namespace = p.Namespace, Pending = p.Pending, Running = p.Running, Succeeded = p.Succeeded, Failed = p.Failed, Unknown = p.Unknown,
            }),
        },
        WorkloadsNotAvailable =
        {
            view.WorkloadsNotAvailable.Select(w => new Server.WorkloadAvailability
            {
                Kind = w.Kind, Namespace = w.Namespace, Name = w.Name, Desired = w.Desired, Available = w.Available,
            }),
        },
        WarningEventsPerMinute = view.WarningEventsPerMinute,
        WarningWindowSeconds = (int)view.WarningWindow.TotalSeconds,
        ComputedAt = Timestamp.FromDateTimeOffset(view.ComputedAt),
    };

    /// <summary>A <c>ServerApi</c> query in the agent's terms.</summary>
    public static AgentProtocol.CacheQuery ToAgent(Server.ClusterQuery query) => new()
    {
        Kind = query.Kind,
        Namespace = query.Namespace,
        LabelSelector = query.LabelSelector,
        FieldSelector = query.FieldSelector,
        CountOnly = query.CountOnly,
        Limit = query.Limit,
    };

    /// <summary>An agent's query result as a <c>ServerApi</c> message.</summary>
    public static Server.ClusterQueryResult ToProto(AgentProtocol.CacheQueryResult result) => new()
    {
        Kind = result.Kind,
        Count = result.Count,
        Complete = result.Complete,
        SyncedAt = result.SyncedAt,
        IncompleteReason = result.IncompleteReason,
        Items =
        {
            result.Items.Select(i => new Server.ClusterObject
            {
                Kind = i.Kind,
                Namespace = i.Namespace,
                Name = i.Name,
                ResourceVersion = i.ResourceVersion,
                Labels = { i.Labels },
                Fields = { i.Fields },
                CreatedAt = i.CreatedAt,
            }),
        },
    };
}
