using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Cache;

internal static partial class CacheLog
{
    [LoggerMessage(600, LogLevel.Information, "Informer for {Kind} synced: {Count} objects")]
    public static partial void Synced(ILogger logger, string kind, int count);

    [LoggerMessage(601, LogLevel.Information, "Informer for {Kind} re-listed: {Count} objects, {Changes} changes since the last version seen")]
    public static partial void Relisted(ILogger logger, string kind, int count, int changes);

    [LoggerMessage(602, LogLevel.Information, "Informer for {Kind}: resourceVersion {Version} is too old (410 Gone); re-listing")]
    public static partial void Expired(ILogger logger, string kind, string? version);

    [LoggerMessage(603, LogLevel.Warning, "Informer for {Kind} failed: {Reason}; retrying in {DelayMs:F0} ms and with backoff after that")]
    public static partial void Failed(ILogger logger, string kind, string reason, double delayMs);

    [LoggerMessage(604, LogLevel.Information, "Informer for {Kind} recovered")]
    public static partial void Recovered(ILogger logger, string kind);

    [LoggerMessage(605, LogLevel.Warning, "Informer for {Kind}: {Reason}; further objects are not cached and queries of it answer incomplete")]
    public static partial void Truncated(ILogger logger, string kind, string reason);

    [LoggerMessage(606, LogLevel.Information, "Informers started for {Kinds}")]
    public static partial void Started(ILogger logger, string kinds);

    [LoggerMessage(607, LogLevel.Information, "Informers now watch {Kinds}")]
    public static partial void KindsChanged(ILogger logger, string kinds);
}
