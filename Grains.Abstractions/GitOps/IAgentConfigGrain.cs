using Orleans.Concurrency;
using Plural.Grains.Git;

namespace Plural.Grains.GitOps;

/// <summary>
/// The configuration and GitOps state of one agent, keyed by agent name. Reads <c>.plural/agents/&lt;name&gt;/config.yaml</c>
/// at each new commit of its source, validates it, keeps the accepted version, reads the manifests of its projects,
/// and publishes what the agent should have on <see cref="Streams.StreamNames.AgentConfig"/>.
/// </summary>
[Alias("plural.gitops.IAgentConfigGrain")]
public interface IAgentConfigGrain : IGrainWithStringKey
{
    /// <summary>Names (or changes) the configuration repository and evaluates it at its current commit.</summary>
    [Alias("SetSource")]
    Task<AgentConfigStatus> SetSource(AgentConfigSource source);

    /// <summary>A poller this agent watches saw a new commit.</summary>
    [Alias("OnRepositoryCommit"), OneWay]
    Task OnRepositoryCommit(RepositoryCommit commit);

    /// <summary>The configuration status (version, commit, problems).</summary>
    [Alias("GetStatus")]
    Task<AgentConfigStatus> GetStatus();

    /// <summary>What to send an agent right after its welcome.</summary>
    [Alias("GetDesiredState")]
    Task<AgentDesiredState> GetDesiredState();

    /// <summary>Records the agent's report on a configuration it applied.</summary>
    [Alias("ReportApplied")]
    Task ReportApplied(AppliedConfig applied);

    /// <summary>Records the agent's report on a sync and publishes the new status.</summary>
    [Alias("ReportSync")]
    Task ReportSync(ManifestSyncReportRecord report);

    /// <summary>Sync status of every target.</summary>
    [Alias("GetSyncStatus")]
    Task<AgentSyncStatus> GetSyncStatus();
}
