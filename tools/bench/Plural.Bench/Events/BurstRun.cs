namespace Plural.Bench.Events;

/// <summary>What the subscribers of one agent's cluster events saw of a burst of changes.</summary>
/// <param name="Subscribers">WebSocket subscribers of the agent's <c>ClusterEventsChannel</c>.</param>
/// <param name="Changes">Changes made (namespaces created).</param>
/// <param name="Offered">The span the changes were scheduled over.</param>
/// <param name="Made">How long making them took.</param>
/// <param name="Settled">From the first change to the last arrival anywhere (or to giving up).</param>
/// <param name="LatenciesMs">Change-to-arrival latency of every (subscriber, change) pair that arrived, sorted.</param>
/// <param name="Missing">(subscriber, change) pairs that never arrived.</param>
/// <param name="Resets">Typed <c>reset</c> messages the subscribers received.</param>
/// <param name="SubscribersReset">Subscribers that received at least one <c>reset</c>.</param>
/// <param name="LostConnections">Subscribers whose connection ended.</param>
/// <param name="Cpu">CPU seconds of each process over the run.</param>
public sealed record BurstRun(int Subscribers, int Changes, TimeSpan Offered, TimeSpan Made, TimeSpan Settled, IReadOnlyList<double> LatenciesMs,
    long Missing, int Resets, int SubscribersReset, int LostConnections, IReadOnlyList<Processes.ComponentCpu> Cpu);
