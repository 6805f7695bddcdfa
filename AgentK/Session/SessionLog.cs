using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Session;

internal static partial class SessionLog
{
    [LoggerMessage(200, LogLevel.Information, "Agent connected to gateway {GatewayId} as agent {AgentId}")]
    public static partial void Connected(ILogger logger, string gatewayId, string agentId);

    [LoggerMessage(201, LogLevel.Information, "Gateway asked the agent to reconnect in {DelayMs} ms: {Reason}")]
    public static partial void ReconnectRequested(ILogger logger, string reason, int delayMs);
}
