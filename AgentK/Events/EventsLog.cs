using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Events;

internal static partial class EventsLog
{
    [LoggerMessage(800, LogLevel.Information, "Leader term {Term}: {Kept} changes kept on standby go up, {Published} the previous leader had published are dropped (the gateway said where its log left off: {Answered})")]
    public static partial void TookOver(ILogger logger, long term, int kept, int published, bool answered);
}
