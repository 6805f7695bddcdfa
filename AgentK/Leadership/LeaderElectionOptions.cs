namespace Plural.AgentK.Leadership;

/// <summary>
/// The election among an agent's replicas, through a <c>coordination.k8s.io/v1</c> Lease. Section
/// <c>Agent:LeaderElection</c>. On when <see cref="LeaseName"/> is set; off, the one process does everything, as an
/// agent always did.
/// </summary>
internal sealed class LeaderElectionOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:LeaderElection";

    /// <summary>Name of the Lease the replicas compete for. Empty: no election.</summary>
    public string? LeaseName { get; set; }

    /// <summary>Namespace of the Lease. Default: env <c>POD_NAMESPACE</c>, else the in-cluster service account's namespace.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's <c>holderIdentity</c>. Default: the agent's <c>InstanceId</c> (the pod name in a cluster).</summary>
    public string? Identity { get; set; }

    /// <summary>How long a lease stays held without renewal before another replica may take it (client-go's default).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps acting without a successful renewal; then it stops (client-go's default).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews (client-go's default).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The election runs.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(LeaseName);
}
