namespace Plural.Gateway.ClusterViews;

/// <summary>What a fleet query found: answers, agents that ran out of time, and agents that failed, each ordered by name.</summary>
internal sealed record FleetQueryOutcome(
    IReadOnlyList<FleetAnswer> Answers,
    IReadOnlyList<string> TimedOut,
    IReadOnlyList<FleetFailure> Failed);
