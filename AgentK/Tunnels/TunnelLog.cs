using Microsoft.Extensions.Logging;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

internal static partial class TunnelLog
{
    [LoggerMessage(300, LogLevel.Debug, "Opened {Count} tunnel streams; {Idle} idle, {Active} active")]
    public static partial void ScaledUp(ILogger logger, int count, int idle, int active);

    [LoggerMessage(301, LogLevel.Debug, "Closed an idle tunnel stream; {Idle} idle, {Active} active")]
    public static partial void Retired(ILogger logger, int idle, int active);

    [LoggerMessage(302, LogLevel.Warning, "Opening tunnel streams fails: {Reason}; retrying with backoff")]
    public static partial void OpenFailed(ILogger logger, string reason);

    [LoggerMessage(303, LogLevel.Debug, "Request {RequestId}: {Method} {Path}")]
    public static partial void Forwarding(ILogger logger, string requestId, string method, string path);

    [LoggerMessage(304, LogLevel.Information, "Request {RequestId} failed before a response: {Code} {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, string requestId, TunnelErrorCode code, string reason);

    [LoggerMessage(305, LogLevel.Information, "Request {RequestId}: the upstream broke the connection mid-response")]
    public static partial void UpstreamBroke(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(306, LogLevel.Debug, "Request {RequestId} interrupted: {Interruption} {Detail}")]
    public static partial void Interrupted(ILogger logger, string requestId, TunnelInterruption interruption, string detail);

    [LoggerMessage(307, LogLevel.Debug, "Request {RequestId}: the tunnel stream closed before the response was sent")]
    public static partial void TunnelLost(ILogger logger, string requestId);

    [LoggerMessage(308, LogLevel.Debug, "Request {RequestId}: the upgraded connection ended")]
    public static partial void UpgradeEnded(ILogger logger, string requestId);
}
