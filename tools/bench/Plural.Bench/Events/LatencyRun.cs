namespace Plural.Bench.Events;

/// <summary>Latencies (ms, sorted) of one way of observing changes, over every (observer, change) pair.</summary>
public sealed record LatencyRun(string Route, int Observers, int Changes, IReadOnlyList<double> LatenciesMs, int Missing, int LostConnections);
