namespace Plural.Grains.Agents;

/// <summary>
/// One read of an agent's event log after a position, and whether the log can vouch that nothing is missing between
/// that position and the events it returns.
/// </summary>
/// <param name="Events">Kept events after <paramref name="CompleteAfter"/>, oldest first.</param>
/// <param name="Complete">
/// True when <paramref name="Events"/> follow the position asked for without a gap. False when that position is
/// older than the oldest kept event (evicted past <see cref="IAgentEventLogGrain.Capacity"/>), older than where the
/// log started, or newer than the log's last.
/// </param>
/// <param name="CompleteAfter">
/// The position after which the log holds every event: the position asked for when <paramref name="Complete"/>,
/// otherwise the earliest one the log can vouch for.
/// </param>
[GenerateSerializer, Immutable, Alias("plural.agents.ClusterEventPage")]
public sealed record ClusterEventPage(
    [property: Id(0)] IReadOnlyList<LoggedClusterEvent> Events,
    [property: Id(1)] bool Complete,
    [property: Id(2)] long CompleteAfter);
