using Plural.Grains.GitOps;
using Plural.Protocol.Server;

namespace Plural.Gateway.GitOps;

/// <summary>Maps configuration and sync status records to <c>ServerApi</c> messages.</summary>
internal static class GitOpsServerMapper
{
    public static AgentConfigInfo ToProto(AgentConfigStatus status)
    {
        var info = new AgentConfigInfo
        {
            Name = status.Agent,
            Repository = status.Source?.Repository ?? "",
            Ref = status.Source?.Ref ?? "",
            RejectedCommit = status.RejectedCommit ?? "",
            RepositoryError = status.RepositoryError ?? "",
            AppliedVersion = status.Applied?.Version ?? "",
            Problems = { status.Problems.Select(p => new ConfigProblemInfo { File = p.File, Line = p.Line, Message = p.Message }) },
        };
        if (status.Applied is { } applied)
        {
            info.RejectedKinds.AddRange(applied.RejectedKinds);
        }

        if (status.Accepted is { } spec)
        {
            info.Version = spec.Version;
            info.Commit = spec.Commit;
            info.CachedKinds.AddRange(spec.CachedKinds);
            info.ReapplyIntervalSeconds = spec.ReapplyIntervalSeconds;
            info.Projects.AddRange(spec.Projects.Select(p => new ManifestProjectInfo
            {
                Name = p.Name,
                Repository = p.Repository,
                Ref = p.Ref,
                Paths = { p.Paths },
                DefaultNamespace = p.DefaultNamespace,
                Prune = p.Prune,
                ServiceAccount = p.ServiceAccount,
            }));
        }

        return info;
    }

    public static SyncStatusInfo ToProto(AgentSyncStatus status) => new()
    {
        Name = status.Agent,
        Targets = { status.Targets.Select(ToProto) },
    };

    private static SyncTargetInfo ToProto(TargetSyncStatus target)
    {
        var info = new SyncTargetInfo
        {
            Target = target.Target,
            Repository = target.Repository,
            Ref = target.Ref,
            DesiredCommit = target.DesiredCommit ?? "",
            Documents = target.Documents,
            ReadErrors = { target.ReadErrors },
        };
        if (target.LastReport is { } report)
        {
            info.ReportedCommit = report.Commit;
            info.ReportedAt = GitOpsAgentMapper.ToTimestamp(report.FinishedAt);
            info.Objects.AddRange(report.Objects.Select(o => new ObjectSyncInfo
            {
                Path = o.Path,
                Index = o.Index,
                ApiVersion = o.ApiVersion,
                Kind = o.Kind,
                Namespace = o.Namespace,
                Name = o.Name,
                State = StateName(o.State),
                Message = o.Message,
            }));
        }

        return info;
    }

    /// <summary>The name of an object's sync state as ServerApi and /cable spell it: applied, failed, pruned, prune_failed.</summary>
    internal static string StateName(ObjectSyncState state) => state switch
    {
        ObjectSyncState.Applied => "applied",
        ObjectSyncState.Failed => "failed",
        ObjectSyncState.Pruned => "pruned",
        ObjectSyncState.PruneFailed => "prune_failed",
        _ => "unspecified",
    };
}
