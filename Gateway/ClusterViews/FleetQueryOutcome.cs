namespace Plural.Gateway.ClusterViews;

/// <summary>
/// What a fleet query found: answers, agents that ran out of time, and agents that failed, each ordered by name; and
/// when the agents were picked from the gateway's copy of the directory, the time that copy was read.
/// </summary>
internal sealed record FleetQueryOutcome(
    IReadOnlyList<FleetAnswer> Answers,
    IReadOnlyList<string> TimedOut,
    IReadOnlyList<FleetFailure> Failed,
    DateTimeOffset? StaleAsOf = null);
