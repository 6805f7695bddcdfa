namespace Plural.Grains.Agents;

/// <summary>
/// The stored head of an <see cref="AgentEventLogGrain"/>: numbering, the open segment (events since the last sealed
/// segment), and what a new leader of the agent's replicas and a repeated append need. Rewritten on every append, so it
/// stays small: sealed segments are stored apart (<see cref="AgentEventLogSegment"/>) and written once.
/// </summary>
[GenerateSerializer, Alias("plural.agents.AgentEventLogState")]
public sealed class AgentEventLogState
{
    /// <summary>Position of the newest event, or the base numbering starts above; 0 before the first activation.</summary>
    [Id(0)] public long Last { get; set; }

    /// <summary>When the log started keeping this agent's events.</summary>
    [Id(1)] public DateTimeOffset Since { get; set; }

    /// <summary>Events after the newest sealed segment, oldest first; fewer than a segment's size.</summary>
    [Id(2)] public List<LoggedClusterEvent> Open { get; set; } = [];

    /// <summary>Segments sealed so far; segment <c>n</c> is stored in slot <c>n % slots</c>.</summary>
    [Id(3)] public long Sealed { get; set; }

    /// <summary>Per kind, the highest decimal resourceVersion taken in (see <see cref="PublishedResourceVersions"/>).</summary>
    [Id(4)] public Dictionary<string, string> HighestVersions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ids of the most recent appends, newest last: a repeated append is recognised by its id.</summary>
    [Id(5)] public List<string> RecentBatches { get; set; } = [];
}
