using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Connection;

internal static partial class ConnectionLog
{
    [LoggerMessage(100, LogLevel.Error, "Gateway connection failed: {Reason}; retrying in {DelayMs:F0} ms and with backoff after that")]
    public static partial void Failed(ILogger logger, string reason, double delayMs);

    [LoggerMessage(101, LogLevel.Debug, "Gateway connection still failing ({Kind}); retrying in {DelayMs:F0} ms")]
    public static partial void StillFailing(ILogger logger, string kind, double delayMs);

    [LoggerMessage(102, LogLevel.Information, "Agent stopping: in-flight requests have {GraceSeconds} s to finish")]
    public static partial void Stopping(ILogger logger, double graceSeconds);

    [LoggerMessage(103, LogLevel.Warning, "Shutdown grace period expired; cutting the remaining in-flight requests")]
    public static partial void GraceExpired(ILogger logger);
}
