namespace Plural.Grains.Audit;

/// <summary>The kept events of one agent, as stored.</summary>
[GenerateSerializer, Alias("plural.audit.AgentAuditState")]
public sealed class AgentAuditState
{
    /// <summary>Oldest first, at most <see cref="IAgentAuditGrain.Capacity"/>.</summary>
    [Id(0)]
    public List<AuditEvent> Events { get; set; } = [];

    /// <summary>
    /// Every event ever appended, dropped ones included: the position of the newest kept event. Page tokens are
    /// positions, so they keep pointing at the same event while newer ones arrive and older ones are dropped.
    /// </summary>
    [Id(1)]
    public long Appended { get; set; }

    /// <summary>The position of <see cref="Events"/>[<paramref name="index"/>], counting from 1.</summary>
    public long PositionOf(int index) => Appended - Events.Count + index + 1;
}
