using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Observability;

internal static partial class ObservabilityLog
{
    [LoggerMessage(500, LogLevel.Information, "Health and status endpoints listening on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);
}
