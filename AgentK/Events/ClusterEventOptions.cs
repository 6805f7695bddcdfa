namespace Plural.AgentK.Events;

/// <summary>Compact cluster events sent up the session. Section <c>Agent:Events</c>.</summary>
internal sealed class ClusterEventOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Events";

    /// <summary>Send events (needs the cache).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Least time between two event messages. A change after a quiet period of this long leaves at once; during a
    /// burst, changes wait at most this long for the next message.
    /// </summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most events in one session message.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Sustained events per second sent to the gateway; bursts up to the same number pass at once.</summary>
    public int MaxEventsPerSecond { get; set; } = 1000;

    /// <summary>
    /// Events held while the rate limit or a disconnection holds them back. Beyond it, a newer change of an object
    /// replaces its pending one, and otherwise the oldest pending event is dropped.
    /// </summary>
    public int MaxPending { get; set; } = 10_000;
}
