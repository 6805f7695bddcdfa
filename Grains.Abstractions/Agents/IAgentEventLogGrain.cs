using Orleans.Concurrency;

namespace Plural.Grains.Agents;

/// <summary>
/// The most recent cluster events of one agent (keyed by its name), numbered by the platform so a watcher can resume
/// where it left off. Fed by the gateway that holds the agent's session (<see cref="Append"/>) and kept in grain
/// storage, so that a silo's death loses nothing a watcher had not read yet: the next activation, on any silo, serves
/// the same positions. Positions only grow.
/// </summary>
[Alias("plural.agents.IAgentEventLogGrain")]
public interface IAgentEventLogGrain : IGrainWithStringKey
{
    /// <summary>Events kept per agent; a watcher further behind than this misses the oldest ones.</summary>
    public const int Capacity = 1000;

    /// <summary>
    /// Numbers and stores <paramref name="events"/>, in order, and answers once they are stored: only then do readers
    /// see them. A <paramref name="batchId"/> the log took recently is not taken again, so a caller that lost the
    /// answer (the silo died) can repeat the call. Returns the position of the batch's last event.
    /// </summary>
    [Alias("Append")]
    Task<long> Append(string batchId, IReadOnlyList<Cluster.ClusterEvent> events);

    /// <summary>The position of the newest event, or the position numbering starts above when there is none yet.</summary>
    [Alias("LastPosition")]
    Task<long> LastPosition();

    /// <summary>
    /// Up to <paramref name="max"/> kept events after <paramref name="afterPosition"/>, oldest first; when there are none,
    /// waits up to <paramref name="wait"/> for the next one and returns empty if none came.
    /// </summary>
    [Alias("Read"), AlwaysInterleave]
    Task<IReadOnlyList<LoggedClusterEvent>> Read(long afterPosition, int max, TimeSpan wait);

    /// <summary>
    /// Like <see cref="Read"/>, and says whether the log can vouch for the range: when it cannot (see
    /// <see cref="ClusterEventPage.Complete"/>), it answers at once with the events it has after
    /// <see cref="ClusterEventPage.CompleteAfter"/>, so the reader can tell its subscribers about the gap.
    /// </summary>
    [Alias("ReadPage"), AlwaysInterleave]
    Task<ClusterEventPage> ReadPage(long afterPosition, int max, TimeSpan wait);

    /// <summary>
    /// Per kind, the highest resourceVersion of the events the log took in: where a new leader of the agent's replicas
    /// takes over publishing.
    /// </summary>
    [Alias("PublishedVersions")]
    Task<PublishedResourceVersions> PublishedVersions();
}
