namespace Plural.Grains.Streams;

/// <summary>
/// The Orleans stream provider and the stream namespaces of the platform, defined once. A stream's key is the
/// agent id for agent-scoped topics and the repository key for Git topics.
/// </summary>
public static class StreamNames
{
    /// <summary>The stream provider every silo and gateway registers.</summary>
    public const string Provider = "plural";

    /// <summary>The grain storage the stream provider keeps its subscriptions in (Orleans' well-known name).</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>Connection status changes of one agent (connected, disconnected, which gateway).</summary>
    public const string AgentStatus = "agent-status";

    /// <summary>Compact cluster events reported by one agent.</summary>
    public const string ClusterEvents = "cluster-events";

    /// <summary>Precomputed views of one agent's cluster, published when they change.</summary>
    public const string ClusterViews = "cluster-views";

    /// <summary>New commits seen by a repository poller; keyed by the poller's repository key.</summary>
    public const string RepositoryCommits = "repository-commits";

    /// <summary>GitOps sync status of one agent.</summary>
    public const string SyncStatus = "sync-status";

    /// <summary>Configuration changes of one agent (accepted or rejected).</summary>
    public const string AgentConfig = "agent-config";
}
