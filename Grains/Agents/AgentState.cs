namespace Plural.Grains.Agents;

/// <summary>What survives an agent grain's deactivation. Leases are deliberately not here: they are rebuilt by renewals.</summary>
[GenerateSerializer, Alias("plural.agents.AgentState")]
public sealed class AgentState
{
    [Id(0)] public AgentRegistration? Registration { get; set; }
    [Id(1)] public List<AgentTokenRecord> Tokens { get; set; } = [];
    /// <summary>When the agent last went from disconnected to connected, or back.</summary>
    [Id(2)] public DateTimeOffset? StatusSince { get; set; }
}
