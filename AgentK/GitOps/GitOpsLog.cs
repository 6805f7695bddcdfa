using Microsoft.Extensions.Logging;

namespace Plural.AgentK.GitOps;

internal static partial class GitOpsLog
{
    [LoggerMessage(700, LogLevel.Information, "Sync target {Target} at {Commit} (re-apply: {Reapply}): {Applied} applied, {Failed} failed, {Pruned} pruned, {PruneFailed} not pruned")]
    public static partial void Synced(ILogger logger, string target, string commit, bool reapply, int applied, int failed, int pruned, int pruneFailed);

    [LoggerMessage(701, LogLevel.Warning, "Sync target {Target}: {Reason}")]
    public static partial void InventoryFailed(ILogger logger, string target, string reason);

    [LoggerMessage(702, LogLevel.Information, "Sync target {Target} received commit {Commit} with {Documents} documents (prune: {Prune}, removed: {Removed})")]
    public static partial void Received(ILogger logger, string target, string commit, int documents, bool prune, bool removed);

    [LoggerMessage(703, LogLevel.Information, "Sync target {Target}: a newer sync superseded the one in progress")]
    public static partial void Superseded(ILogger logger, string target);

    [LoggerMessage(704, LogLevel.Warning, "A manifest sync without a target name was ignored")]
    public static partial void Unnamed(ILogger logger);

    [LoggerMessage(705, LogLevel.Error, "Sync target {Target} failed unexpectedly; retrying at the next re-apply")]
    public static partial void Crashed(ILogger logger, string target, Exception exception);
}
