using Google.Protobuf.WellKnownTypes;
using Plural.Grains.GitOps;
using Plural.Protocol.Agent;
using ObjectSyncState = Plural.Grains.GitOps.ObjectSyncState;

namespace Plural.Gateway.GitOps;

/// <summary>Maps configuration and sync records to the session protocol and back.</summary>
internal static class GitOpsAgentMapper
{
    public static AgentConfig ToProto(AgentConfigSpec spec) => new()
    {
        Version = spec.Version,
        Repository = spec.Repository,
        Commit = spec.Commit,
        CachedKinds = { spec.CachedKinds },
        ReapplyIntervalSeconds = spec.ReapplyIntervalSeconds,
    };

    public static ManifestSync ToProto(ManifestSyncSpec sync) => new()
    {
        Target = sync.Target,
        Repository = sync.Repository,
        Commit = sync.Commit,
        DefaultNamespace = sync.DefaultNamespace,
        Prune = sync.Prune,
        Removed = sync.Removed,
        ServiceAccount = sync.ServiceAccount,
        Documents = { sync.Documents.Select(d => new ManifestDocument { Path = d.Path, Index = d.Index, Yaml = d.Yaml }) },
    };

    /// <summary>Throws <see cref="ArgumentException"/> for a report that names no target.</summary>
    public static ManifestSyncReportRecord ToRecord(ManifestSyncReport report, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(report.Target))
        {
            throw new ArgumentException("manifest_sync_report.target is required");
        }

        return new ManifestSyncReportRecord(report.Target, report.Commit,
            report.FinishedAt is { } finished ? finished.ToDateTimeOffset() : now, report.Reapply,
            [.. report.Objects.Select(o => new ObjectSyncOutcome(o.Path, o.Index, o.ApiVersion, o.Kind, o.Namespace, o.Name,
                (ObjectSyncState)(int)o.State, o.Message))]);
    }

    public static AppliedConfig ToRecord(AgentConfigApplied applied, DateTimeOffset now) =>
        new(applied.Version, [.. applied.CachedKinds], [.. applied.RejectedKinds], now);

    public static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;
}
