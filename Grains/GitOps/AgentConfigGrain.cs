using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.Grains.Git;
using Plural.Grains.Streams;

namespace Plural.Grains.GitOps;

/// <inheritdoc cref="IAgentConfigGrain"/>
public sealed partial class AgentConfigGrain(
    [PersistentState("config")] IPersistentState<AgentConfigState> state,
    IOptions<GitOpsOptions> options,
    TimeProvider clock,
    ILogger<AgentConfigGrain> logger) : Grain, IAgentConfigGrain
{
    // The documents last sent per target; rebuilt from the poller's cache at the target's commit when missing.
    private readonly Dictionary<string, ManifestSyncSpec> _syncs = [];

    private string Name => this.GetPrimaryKeyString();

    private AgentConfigState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Pollers persist their watchers, but re-watching on activation heals a poller whose state was lost.
        foreach (var key in WatchedKeys())
        {
            await Poller(key).Watch(Name);
        }
    }

    public async Task<AgentConfigStatus> SetSource(AgentConfigSource source)
    {
        var normalized = new AgentConfigSource(RepositoryKey.NormalizeUrl(source.Repository), RepositoryKey.NormalizeRef(source.Ref));
        if (normalized != S.Source)
        {
            var before = WatchedKeys();
            S.Source = normalized;
            S.EvaluatedCommit = null;
            await state.WriteStateAsync();
            await UnwatchUnusedAsync(before);
        }

        var status = await Poller(SourceKey!).Watch(Name);
        S.RepositoryError = status.LastError;
        if (status.Commit is { } commit && commit != S.EvaluatedCommit)
        {
            await EvaluateConfigAsync(commit);
        }

        return Status();
    }

    public async Task OnRepositoryCommit(RepositoryCommit commit)
    {
        var key = commit.Key;
        if (key == SourceKey && commit.NewCommit != S.EvaluatedCommit)
        {
            await EvaluateConfigAsync(commit.NewCommit);
        }

        foreach (var (name, target) in S.Targets.ToList())
        {
            if (RepositoryKey.Format(target.Project.Repository, target.Project.Ref) == key && target.Commit != commit.NewCommit)
            {
                await RefreshTargetAsync(name, commit.NewCommit);
            }
        }
    }

    public Task<AgentConfigStatus> GetStatus() => Task.FromResult(Status());

    public async Task<AgentDesiredState> GetDesiredState()
    {
        var syncs = new List<ManifestSyncSpec>();
        foreach (var (name, target) in S.Targets)
        {
            if (target.Commit is null)
            {
                continue;
            }

            if (!_syncs.ContainsKey(name))
            {
                await ReadTargetAsync(name, target.Commit);
            }

            if (_syncs.TryGetValue(name, out var sync))
            {
                syncs.Add(sync);
            }
        }

        return new AgentDesiredState(S.Generation, S.Accepted, syncs);
    }

    public async Task ReportApplied(AppliedConfig applied)
    {
        S.Applied = applied;
        await state.WriteStateAsync();
        if (applied.RejectedKinds.Count > 0)
        {
            LogKindsRejected(logger, Name, string.Join(", ", applied.RejectedKinds));
        }
    }

    public async Task ReportSync(ManifestSyncReportRecord report)
    {
        if (!S.Targets.TryGetValue(report.Target, out var target))
        {
            LogUnknownTarget(logger, Name, report.Target);
            return;
        }

        target.LastReport = report;
        await state.WriteStateAsync();
        await PublishSyncStatusAsync();
    }

    public Task<AgentSyncStatus> GetSyncStatus() => Task.FromResult(SyncStatus());

    private async Task EvaluateConfigAsync(string commit)
    {
        var source = S.Source!;
        S.EvaluatedCommit = commit;
        S.UpdatedAt = clock.GetUtcNow();
        AgentConfigSpec? spec;
        List<ConfigProblem> problems;
        try
        {
            (spec, problems) = await AgentConfigLoader.LoadAsync(Poller(SourceKey!), Name, source, commit);
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
            await PublishAsync(new AgentConfigPush(Name, S.Generation, null, null, problems));
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
        await PublishAsync(new AgentConfigPush(Name, S.Generation, spec, null, null));
        await ReconcileTargetsAsync(spec.Projects);
    }

    private async Task ReconcileTargetsAsync(IReadOnlyList<ManifestProject> projects)
    {
        var before = WatchedKeys();
        foreach (var (name, target) in S.Targets.Where(t => projects.All(p => p.Name != t.Key)).ToList())
        {
            S.Targets.Remove(name);
            _syncs.Remove(name);
            S.Generation++;
            await PublishAsync(new AgentConfigPush(Name, S.Generation, null,
                new ManifestSyncSpec(name, target.Project.Repository, target.Commit ?? "", target.Project.DefaultNamespace, target.Project.Prune, [], Removed: true), null));
        }

        foreach (var project in projects)
        {
            if (S.Targets.TryGetValue(project.Name, out var existing) && existing.Project == project && existing.Commit is not null)
            {
                continue;
            }

            var target = S.Targets[project.Name] = new SyncTargetState { Project = project };
            var status = await Poller(RepositoryKey.Format(project.Repository, project.Ref)).Watch(Name);
            if (status.Commit is { } commit)
            {
                await RefreshTargetAsync(project.Name, commit);
            }
            else
            {
                target.ReadErrors = [status.LastError ?? "the repository has not been polled yet"];
            }
        }

        await state.WriteStateAsync();
        await UnwatchUnusedAsync(before);
        await PublishSyncStatusAsync();
    }

    private async Task RefreshTargetAsync(string name, string commit)
    {
        // A commit whose manifests cannot be read still changes the status: its read errors say why nothing was sent.
        if (await ReadTargetAsync(name, commit) is { } sync)
        {
            S.Generation++;
            await state.WriteStateAsync();
            await PublishAsync(new AgentConfigPush(Name, S.Generation, null, sync, null));
        }
        else
        {
            await state.WriteStateAsync();
        }

        await PublishSyncStatusAsync();
    }

    // Reads a target's manifests at a commit. A read that yields nothing usable keeps the previous sync in force:
    // sending an empty target would prune everything it applied.
    private async Task<ManifestSyncSpec?> ReadTargetAsync(string name, string commit)
    {
        var target = S.Targets[name];
        var project = target.Project;
        RepositoryFileSet files;
        try
        {
            files = await Poller(RepositoryKey.Format(project.Repository, project.Ref)).ReadFiles(commit, project.Paths, options.Value.ManifestLimits);
        }
        catch (RepositoryUnavailableException ex)
        {
            target.ReadErrors = [ex.Message];
            return null;
        }

        var (documents, errors) = ManifestReader.Read(files.Files);
        target.ReadErrors = [.. files.Errors, .. errors];
        if (files.Files.Count == 0 && files.Errors.Count > 0)
        {
            LogTargetUnreadable(logger, Name, name, files.Errors[0]);
            return null;
        }

        target.Commit = commit;
        target.Documents = documents.Count;
        // With a document left out, pruning would delete what it describes; this sync then prunes nothing.
        var sync = new ManifestSyncSpec(name, project.Repository, commit, project.DefaultNamespace,
            project.Prune && target.ReadErrors.Count == 0, documents, Removed: false);
        _syncs[name] = sync;
        return sync;
    }

    private async Task UnwatchUnusedAsync(HashSet<string> before)
    {
        var now = WatchedKeys();
        foreach (var key in before.Where(k => !now.Contains(k)))
        {
            await Poller(key).Unwatch(Name);
        }
    }

    private HashSet<string> WatchedKeys()
    {
        var keys = S.Targets.Values.Select(t => RepositoryKey.Format(t.Project.Repository, t.Project.Ref)).ToHashSet();
        if (SourceKey is { } source)
        {
            keys.Add(source);
        }

        return keys;
    }

    private string? SourceKey => S.Source is { } s ? RepositoryKey.Format(s.Repository, s.Ref) : null;

    private IRepositoryPollerGrain Poller(string key) => GrainFactory.GetGrain<IRepositoryPollerGrain>(key);

    private Task PublishAsync(AgentConfigPush push) =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<AgentConfigPush>(StreamId.Create(StreamNames.AgentConfig, Name)).OnNextAsync(push);

    private Task PublishSyncStatusAsync() =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<AgentSyncStatus>(StreamId.Create(StreamNames.SyncStatus, Name)).OnNextAsync(SyncStatus());

    private AgentConfigStatus Status() =>
        new(Name, S.Source, S.Accepted, S.RejectedCommit, [.. S.Problems], S.Applied, S.RepositoryError, S.UpdatedAt);

    private AgentSyncStatus SyncStatus() =>
        new(Name, [.. S.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TargetSyncStatus(
            t.Key, t.Value.Project.Repository, t.Value.Project.Ref, t.Value.Commit, t.Value.Documents, [.. t.Value.ReadErrors], t.Value.LastReport))],
            clock.GetUtcNow());

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Agent {AgentName} configuration {Version} accepted at commit {Commit}")]
    private static partial void LogAccepted(ILogger logger, string agentName, string version, string commit);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Agent {AgentName} configuration at commit {Commit} rejected with {Count} problems, first: {Problem}; the previous configuration stays")]
    private static partial void LogRejected(ILogger logger, string agentName, string commit, int count, string problem);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Agent {AgentName} sync target {Target} not read: {Reason}")]
    private static partial void LogTargetUnreadable(ILogger logger, string agentName, string target, string reason);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Agent {AgentName} reported on unknown sync target {Target}")]
    private static partial void LogUnknownTarget(ILogger logger, string agentName, string target);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "Agent {AgentName} could not watch kinds {Kinds}")]
    private static partial void LogKindsRejected(ILogger logger, string agentName, string kinds);
}
