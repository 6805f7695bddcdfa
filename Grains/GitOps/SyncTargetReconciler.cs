using Microsoft.Extensions.Logging;
using Plural.Grains.Git;

namespace Plural.Grains.GitOps;

/// <summary>
/// Keeps an agent's sync targets, one per project of its accepted configuration, in step with the projects and with
/// their repositories: watches each project's poller, reads its manifests at the poller's commit, and sends every
/// change to the agent as a <see cref="ManifestSyncSpec"/>.
/// </summary>
internal sealed partial class SyncTargetReconciler(
    string agentName,
    AgentConfigState state,
    Func<string, IRepositoryPollerGrain> poller,
    IAgentConfigOutbox outbox,
    RepositoryReadLimits limits,
    ILogger logger)
{
    // The documents last sent per target; rebuilt from the poller's cache at the target's commit when missing.
    private readonly Dictionary<string, ManifestSyncSpec> _syncs = [];

    /// <summary>Removes the targets of projects that are gone, and adds or re-reads the new and changed ones.</summary>
    public async Task ReconcileAsync(IReadOnlyList<ManifestProject> projects)
    {
        var before = WatchedRepositories.Of(state);
        foreach (var (name, target) in state.Targets.Where(t => projects.All(p => p.Name != t.Key)).ToList())
        {
            state.Targets.Remove(name);
            _syncs.Remove(name);
            state.Generation++;
            await outbox.PushAsync(new AgentConfigPush(agentName, state.Generation, null,
                new ManifestSyncSpec(name, target.Project.Repository, target.Commit ?? "", target.Project.DefaultNamespace, target.Project.Prune, [], Removed: true,
                    target.Project.ServiceAccount), null));
        }

        foreach (var project in projects)
        {
            if (state.Targets.TryGetValue(project.Name, out var existing) && existing.Project == project && existing.Commit is not null)
            {
                continue;
            }

            var target = state.Targets[project.Name] = new SyncTargetState { Project = project };
            var status = await poller(WatchedRepositories.TargetKey(target)).Watch(agentName);
            if (status.Commit is { } commit)
            {
                await RefreshAsync(project.Name, commit);
            }
            else
            {
                target.ReadErrors = [status.LastError ?? "the repository has not been polled yet"];
            }
        }

        await outbox.SaveAsync();
        await WatchedRepositories.UnwatchUnusedAsync(state, before, poller, agentName);
        await outbox.PublishSyncStatusAsync();
    }

    /// <summary>Re-reads every target whose repository ref <paramref name="key"/> moved to <paramref name="commit"/>.</summary>
    public async Task OnCommitAsync(string key, string commit)
    {
        foreach (var (name, target) in state.Targets.ToList())
        {
            if (WatchedRepositories.TargetKey(target) == key && target.Commit != commit)
            {
                await RefreshAsync(name, commit);
            }
        }
    }

    /// <summary>The sync of every target that has been read, re-reading those not held since activation.</summary>
    public async Task<List<ManifestSyncSpec>> SyncsAsync()
    {
        var syncs = new List<ManifestSyncSpec>();
        foreach (var (name, target) in state.Targets)
        {
            if (target.Commit is null)
            {
                continue;
            }

            if (!_syncs.ContainsKey(name))
            {
                await ReadAsync(name, target.Commit);
            }

            if (_syncs.TryGetValue(name, out var sync))
            {
                syncs.Add(sync);
            }
        }

        return syncs;
    }

    /// <summary>Records the agent's report on a target; a report on a target that does not exist is logged and dropped.</summary>
    public async Task ReportAsync(ManifestSyncReportRecord report)
    {
        if (!state.Targets.TryGetValue(report.Target, out var target))
        {
            LogUnknownTarget(logger, agentName, report.Target);
            return;
        }

        target.LastReport = report;
        await outbox.SaveAsync();
        await outbox.PublishSyncStatusAsync();
    }

    /// <summary>Every target's state as the agent's sync status, in name order.</summary>
    public AgentSyncStatus Status(DateTimeOffset now) =>
        new(agentName, [.. state.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TargetSyncStatus(
            t.Key, t.Value.Project.Repository, t.Value.Project.Ref, t.Value.Commit, t.Value.Documents, [.. t.Value.ReadErrors], t.Value.LastReport))],
            now);

    private async Task RefreshAsync(string name, string commit)
    {
        // A commit whose manifests cannot be read still changes the status: its read errors say why nothing was sent.
        if (await ReadAsync(name, commit) is { } sync)
        {
            state.Generation++;
            await outbox.SaveAsync();
            await outbox.PushAsync(new AgentConfigPush(agentName, state.Generation, null, sync, null));
        }
        else
        {
            await outbox.SaveAsync();
        }

        await outbox.PublishSyncStatusAsync();
    }

    // Reads a target's manifests at a commit. A read that yields nothing usable keeps the previous sync in force:
    // sending an empty target would prune everything it applied.
    private async Task<ManifestSyncSpec?> ReadAsync(string name, string commit)
    {
        var target = state.Targets[name];
        var project = target.Project;
        RepositoryFileSet files;
        try
        {
            files = await poller(WatchedRepositories.TargetKey(target)).ReadFiles(commit, project.Paths, limits);
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
            LogTargetUnreadable(logger, agentName, name, files.Errors[0]);
            return null;
        }

        target.Commit = commit;
        target.Documents = documents.Count;
        // With a document left out, pruning would delete what it describes; this sync then prunes nothing.
        var sync = new ManifestSyncSpec(name, project.Repository, commit, project.DefaultNamespace,
            project.Prune && target.ReadErrors.Count == 0, documents, Removed: false, project.ServiceAccount);
        _syncs[name] = sync;
        return sync;
    }

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Agent {AgentName} sync target {Target} not read: {Reason}")]
    private static partial void LogTargetUnreadable(ILogger logger, string agentName, string target, string reason);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Agent {AgentName} reported on unknown sync target {Target}")]
    private static partial void LogUnknownTarget(ILogger logger, string agentName, string target);
}
