using Orleans.Concurrency;

namespace Plural.Grains.Agents;

/// <summary>
/// The most recent cluster events of one agent (keyed by its name), numbered by the platform so a watcher can resume
/// where it left off. Fed by an implicit subscription to the agent's cluster-events stream; kept in memory only.
/// Positions only grow: each activation starts numbering above anything an earlier activation can have handed out.
/// </summary>
[Alias("plural.agents.IAgentEventLogGrain")]
public interface IAgentEventLogGrain : IGrainWithStringKey
{
    /// <summary>Events kept per agent; a watcher further behind than this misses the oldest ones.</summary>
    public const int Capacity = 1000;

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
    /// Per kind, the highest resourceVersion of the events this activation logged: where a new leader of the agent's
    /// replicas takes over publishing.
    /// </summary>
    [Alias("PublishedVersions")]
    Task<PublishedResourceVersions> PublishedVersions();
}
