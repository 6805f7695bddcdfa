using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.Grains.Git;
using Plural.Grains.Streams;

namespace Plural.Grains.GitOps;

/// <inheritdoc cref="IAgentConfigGrain"/>
/// <remarks>
/// The grain evaluates the configuration at its source's commits; <see cref="SyncTargetReconciler"/> keeps the
/// accepted configuration's sync targets in step.
/// </remarks>
public sealed partial class AgentConfigGrain(
    [PersistentState("config")] IPersistentState<AgentConfigState> state,
    IOptions<GitOpsOptions> options,
    TimeProvider clock,
    ILogger<AgentConfigGrain> logger) : Grain, IAgentConfigGrain, IAgentConfigOutbox
{
    private SyncTargetReconciler _targets = null!;

    private string Name => this.GetPrimaryKeyString();

    private AgentConfigState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _targets = new SyncTargetReconciler(Name, S, Poller, this, options.Value.ManifestLimits, logger);
        // Pollers persist their watchers, but re-watching on activation heals a poller whose state was lost.
        foreach (var key in WatchedRepositories.Of(S))
        {
            await Poller(key).Watch(Name);
        }
    }

    public async Task<AgentConfigStatus> SetSource(AgentConfigSource source)
    {
        var normalized = new AgentConfigSource(RepositoryKey.NormalizeUrl(source.Repository), RepositoryKey.NormalizeRef(source.Ref));
        if (normalized != S.Source)
        {
            var before = WatchedRepositories.Of(S);
            S.Source = normalized;
            S.EvaluatedCommit = null;
            await state.WriteStateAsync();
            await WatchedRepositories.UnwatchUnusedAsync(S, before, Poller, Name);
        }

        var status = await Poller(SourceKey).Watch(Name);
        S.RepositoryError = status.LastError;
        if (status.Commit is { } commit && commit != S.EvaluatedCommit)
        {
            await EvaluateConfigAsync(commit);
        }

        return Status();
    }

    public async Task OnRepositoryCommit(RepositoryCommit commit)
    {
        if (commit.Key == WatchedRepositories.SourceKey(S) && commit.NewCommit != S.EvaluatedCommit)
        {
            await EvaluateConfigAsync(commit.NewCommit);
        }

        await _targets.OnCommitAsync(commit.Key, commit.NewCommit);
    }

    public Task<AgentConfigStatus> GetStatus() => Task.FromResult(Status());

    public async Task<AgentDesiredState> GetDesiredState() => new(S.Generation, S.Accepted, await _targets.SyncsAsync());

    public async Task ReportApplied(AppliedConfig applied)
    {
        S.Applied = applied;
        await state.WriteStateAsync();
        if (applied.RejectedKinds.Count > 0)
        {
            LogKindsRejected(logger, Name, string.Join(", ", applied.RejectedKinds));
        }
    }

    public Task ReportSync(ManifestSyncReportRecord report) => _targets.ReportAsync(report);

    public Task<AgentSyncStatus> GetSyncStatus() => Task.FromResult(_targets.Status(clock.GetUtcNow()));

    Task IAgentConfigOutbox.SaveAsync() => state.WriteStateAsync();

    Task IAgentConfigOutbox.PushAsync(AgentConfigPush push) => PushAsync(push);

    Task IAgentConfigOutbox.PublishSyncStatusAsync() =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<AgentSyncStatus>(StreamId.Create(StreamNames.SyncStatus, Name))
            .OnNextAsync(_targets.Status(clock.GetUtcNow()));

    private async Task EvaluateConfigAsync(string commit)
    {
        var source = S.Source!;
        S.EvaluatedCommit = commit;
        S.UpdatedAt = clock.GetUtcNow();
        AgentConfigSpec? spec;
        List<ConfigProblem> problems;
        try
        {
            (spec, problems) = await AgentConfigLoader.LoadAsync(Poller(SourceKey), Name, source, commit);
            S.RepositoryError = null;
        }
        catch (RepositoryUnavailableException ex)
        {
            S.RepositoryError = ex.Message;
            S.EvaluatedCommit = null;
            await state.WriteStateAsync();
            return;
        }

        if (spec is null)
        {
            S.RejectedCommit = commit;
            S.Problems = problems;
            S.Generation++;
            await state.WriteStateAsync();
            LogRejected(logger, Name, commit, problems.Count, problems[0].ToString());
            await PushAsync(new AgentConfigPush(Name, S.Generation, null, null, problems));
            return;
        }

        S.RejectedCommit = null;
        S.Problems = [];
        var changed = S.Accepted?.Version != spec.Version;
        S.Accepted = spec;
        if (!changed)
        {
            await state.WriteStateAsync();
            return;
        }

        S.Generation++;
        await state.WriteStateAsync();
        LogAccepted(logger, Name, spec.Version, commit);
        await PushAsync(new AgentConfigPush(Name, S.Generation, spec, null, null));
        await _targets.ReconcileAsync(spec.Projects);
    }

    // Only called once a source is set.
    private string SourceKey => WatchedRepositories.SourceKey(S)!;

    private IRepositoryPollerGrain Poller(string key) => GrainFactory.GetGrain<IRepositoryPollerGrain>(key);

    private Task PushAsync(AgentConfigPush push) =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<AgentConfigPush>(StreamId.Create(StreamNames.AgentConfig, Name)).OnNextAsync(push);

    private AgentConfigStatus Status() =>
        new(Name, S.Source, S.Accepted, S.RejectedCommit, [.. S.Problems], S.Applied, S.RepositoryError, S.UpdatedAt);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Agent {AgentName} configuration {Version} accepted at commit {Commit}")]
    private static partial void LogAccepted(ILogger logger, string agentName, string version, string commit);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Agent {AgentName} configuration at commit {Commit} rejected with {Count} problems, first: {Problem}; the previous configuration stays")]
    private static partial void LogRejected(ILogger logger, string agentName, string commit, int count, string problem);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "Agent {AgentName} could not watch kinds {Kinds}")]
    private static partial void LogKindsRejected(ILogger logger, string agentName, string kinds);
}
