namespace Plural.Grains.Agents;

/// <summary>A sealed run of an agent's logged events, stored once under its own state name.</summary>
[GenerateSerializer, Alias("plural.agents.AgentEventLogSegment")]
public sealed class AgentEventLogSegment
{
    /// <summary>Which segment of the log this is; a slot holds one segment after another.</summary>
    [Id(0)] public long Number { get; set; }

    /// <summary>The segment's events, oldest first.</summary>
    [Id(1)] public List<LoggedClusterEvent> Events { get; set; } = [];
}
