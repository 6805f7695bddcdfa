namespace Plural.Grains.Agents;

/// <summary>What survives an agent grain's deactivation. Leases are deliberately not here: they are rebuilt by renewals.</summary>
[GenerateSerializer, Alias("plural.agents.AgentState")]
public sealed class AgentState
{
    [Id(0)] public AgentRegistration? Registration { get; set; }
    [Id(1)] public List<AgentTokenRecord> Tokens { get; set; } = [];
    /// <summary>When the agent last went from disconnected to connected, or back.</summary>
    [Id(2)] public DateTimeOffset? StatusSince { get; set; }
    /// <summary>
    /// When a gateway last heard from the agent. Written with every transition and at most every
    /// <see cref="AgentGrain.LastSeenWriteInterval"/> while connected, so a renewal rarely costs a storage write.
    /// </summary>
    [Id(3)] public DateTimeOffset? LastSeenAt { get; set; }
}
