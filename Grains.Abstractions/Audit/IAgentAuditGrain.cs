using Orleans.Concurrency;

namespace Plural.Grains.Audit;

/// <summary>
/// The most recent audited requests and sessions of one agent (keyed by its name), for <c>ListAuditEvents</c>.
/// Gateways send them in batches. Only the last <see cref="Capacity"/> are kept, in the grain's storage: the durable
/// audit trail is the gateways' structured log and their JSON export.
/// </summary>
[Alias("plural.audit.IAgentAuditGrain")]
public interface IAgentAuditGrain : IGrainWithStringKey
{
    /// <summary>Events kept per agent; older ones are dropped.</summary>
    public const int Capacity = 1000;

    /// <summary>Adds events in the order given.</summary>
    [Alias("Append")]
    Task Append(IReadOnlyList<AuditEvent> events);

    /// <summary>Up to <paramref name="limit"/> kept events, newest first.</summary>
    [Alias("Recent"), ReadOnly]
    Task<IReadOnlyList<AuditEvent>> Recent(int limit);

    /// <summary>One page of the kept events that match <paramref name="query"/>, newest first.</summary>
    [Alias("List"), ReadOnly]
    Task<AuditPage> List(AuditQuery query);
}
