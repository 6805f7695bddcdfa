using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Config;

internal static partial class ConfigLog
{
    [LoggerMessage(750, LogLevel.Information, "Agent configuration {Version} from {Repository} at {Commit} in force: watching {Kinds}; {Rejected} kinds rejected; re-apply every {ReapplySeconds:F0} s")]
    public static partial void Applied(ILogger logger, string version, string repository, string commit, string kinds, int rejected, double reapplySeconds);

    [LoggerMessage(751, LogLevel.Warning, "Agent configuration {Version}: kind {Rejection}")]
    public static partial void Rejected(ILogger logger, string version, string rejection);

    [LoggerMessage(752, LogLevel.Warning, "Agent configuration {Version}: could not read the API server's discovery ({Reason}); choosing among the built-in kinds until it can")]
    public static partial void DiscoveryFailed(ILogger logger, string version, string reason);

    [LoggerMessage(753, LogLevel.Error, "Agent configuration {Version} could not be applied")]
    public static partial void Failed(ILogger logger, string version, Exception exception);

    [LoggerMessage(754, LogLevel.Information, "Custom resource definitions changed ({Change}); choosing the cached kinds again")]
    public static partial void DefinitionsChanged(ILogger logger, string change);

    [LoggerMessage(755, LogLevel.Warning, "Watching custom resource definitions failed: {Reason}; retrying in {DelayMs:F0} ms")]
    public static partial void DefinitionWatchFailed(ILogger logger, string reason, double delayMs);

    [LoggerMessage(756, LogLevel.Information, "Watching custom resource definitions: 410 Gone (the version the watch began from left the API server's history); listing again")]
    public static partial void DefinitionWatchExpired(ILogger logger);
}
