namespace Plural.Grains.Audit;

/// <summary>The kept events of one agent, as stored.</summary>
[GenerateSerializer, Alias("plural.audit.AgentAuditState")]
public sealed class AgentAuditState
{
    /// <summary>Oldest first, at most <see cref="IAgentAuditGrain.Capacity"/>.</summary>
    [Id(0)]
    public List<AuditEvent> Events { get; set; } = [];
}
