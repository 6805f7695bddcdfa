namespace Plural.Grains.Audit;

/// <summary>One page of an agent's kept audit events, newest first.</summary>
/// <param name="Events">The matching events, newest first.</param>
/// <param name="Next">
/// The position to pass as <see cref="AuditQuery.Before"/> for the next page; null when no older event is kept.
/// Positions count every event the agent's grain ever kept, so a page boundary stays put while new events arrive.
/// </param>
[GenerateSerializer, Immutable, Alias("plural.audit.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditEvent> Events,
    [property: Id(1)] long? Next);
