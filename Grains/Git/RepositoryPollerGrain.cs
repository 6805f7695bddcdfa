using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.Grains.GitOps;
using Plural.Grains.Streams;

namespace Plural.Grains.Git;

/// <inheritdoc cref="IRepositoryPollerGrain"/>
public sealed partial class RepositoryPollerGrain(
    [PersistentState("poller")] IPersistentState<RepositoryPollerState> state,
    GitClient git,
    GitMetrics metrics,
    IOptions<GitOptions> options,
    TimeProvider clock,
    ILogger<RepositoryPollerGrain> logger) : Grain, IRepositoryPollerGrain, IRemindable
{
    // Grain timers do not keep an activation alive by default, and nothing survives a silo loss but storage:
    // a keep-alive timer holds the activation while someone watches, and a reminder brings it back after a crash.
    private const string ReminderName = "keep-polling";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private PollSchedule _schedule = null!;
    private RepositoryCache _cache = null!;
    private IGrainTimer? _timer;
    private long _refChecks;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _schedule = new PollSchedule(options.Value, clock);
        _cache = new RepositoryCache(Key, git, metrics, options.Value);
        if (state.State.Watchers.Count > 0)
        {
            Schedule(_schedule.AfterActivation(state.State.LastCheckedAt));
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopTimer();
        return Task.CompletedTask;
    }

    public async Task<RepositoryPollStatus> Watch(string agentName)
    {
        if (state.State.Watchers.Add(agentName))
        {
            await state.WriteStateAsync();
            if (state.State.Watchers.Count == 1)
            {
                var (url, gitRef) = RepositoryKey.Parse(Key);
                await GrainFactory.GetGrain<IRepositoryRefsGrain>(url).Add(gitRef);
                await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            }
        }

        if (state.State.Commit is null)
        {
            await PollAsync(CancellationToken.None);
        }
        else if (_timer is null)
        {
            Schedule(_schedule.Steady());
        }

        return Status();
    }

    public async Task Unwatch(string agentName)
    {
        if (!state.State.Watchers.Remove(agentName))
        {
            return;
        }

        await state.WriteStateAsync();
        if (state.State.Watchers.Count == 0)
        {
            StopTimer();
            var (url, gitRef) = RepositoryKey.Parse(Key);
            await GrainFactory.GetGrain<IRepositoryRefsGrain>(url).Remove(gitRef);
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            DeactivateOnIdle();
        }
    }

    public async Task<RepositoryPollStatus> Poke()
    {
        state.State.ConsecutiveFailures = 0;
        await PollAsync(CancellationToken.None);
        return Status();
    }

    public Task<RepositoryPollStatus> GetStatus() => Task.FromResult(Status());

    public Task<RepositoryFileSet> ReadFiles(string commit, IReadOnlyList<string> patterns, RepositoryReadLimits limits) =>
        _cache.ReadFilesAsync(commit, state.State.RefName, patterns, limits);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Watchers.Count == 0)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        // Activation scheduled the next poll already; this only proves the poller is alive.
        _ = _timer ?? throw new InvalidOperationException("a watched poller has no timer");
    }

    private async Task PollAsync(CancellationToken ct)
    {
        var (url, gitRef) = RepositoryKey.Parse(Key);
        var previous = state.State.Commit;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (refName, commit) = await git.ResolveRemoteAsync(url, gitRef, ct);
            _refChecks++;
            if (commit != previous)
            {
                await _cache.FetchAsync(url, refName, ct);
            }

            metrics.RecordPoll(commit != previous ? GitPollResult.Changed : GitPollResult.Unchanged, Stopwatch.GetElapsedTime(started));

            var recovered = state.State.ConsecutiveFailures > 0;
            state.State.RefName = refName;
            state.State.Commit = commit;
            state.State.LastCheckedAt = clock.GetUtcNow();
            state.State.LastError = null;
            state.State.ConsecutiveFailures = 0;
            if (commit != previous || recovered)
            {
                await state.WriteStateAsync(ct);
            }

            if (recovered)
            {
                LogRecovered(logger, GitClient.Redact(url), gitRef);
            }

            if (commit != previous)
            {
                LogNewCommit(logger, GitClient.Redact(url), gitRef, previous ?? "(none)", commit);
                await AnnounceAsync(new RepositoryCommit(url, gitRef, previous, commit));
            }
        }
        catch (RepositoryUnavailableException ex)
        {
            metrics.RecordPoll(GitPollResult.Failed, Stopwatch.GetElapsedTime(started));
            _refChecks++;
            state.State.LastCheckedAt = clock.GetUtcNow();
            state.State.LastError = ex.Message;
            state.State.ConsecutiveFailures++;
            await state.WriteStateAsync(ct);
            LogPollFailed(logger, GitClient.Redact(url), gitRef, state.State.ConsecutiveFailures, ex.Message);
        }

        if (state.State.Watchers.Count > 0)
        {
            Schedule(_schedule.AfterCheck(state.State.ConsecutiveFailures));
        }
    }

    private async Task AnnounceAsync(RepositoryCommit commit)
    {
        foreach (var watcher in state.State.Watchers)
        {
            await GrainFactory.GetGrain<IAgentConfigGrain>(watcher).OnRepositoryCommit(commit);
        }

        await this.GetStreamProvider(StreamNames.Provider)
            .GetStream<RepositoryCommit>(StreamId.Create(StreamNames.RepositoryCommits, Key))
            .OnNextAsync(commit);
    }

    private void Schedule(TimeSpan due)
    {
        _schedule.DueIn(due);
        // A steady tick that checks the due time, rather than re-arming one timer per poll: backoff and jitter then
        // need no timer changes from inside its own callback, and the tick costs nothing without network.
        if (_timer is not null)
        {
            return;
        }

        var tick = _schedule.Tick;
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = tick,
            Period = tick,
            KeepAlive = true,
        });
        metrics.PollerStarted();
    }

    private void StopTimer()
    {
        _schedule.Stop();
        if (_timer is null)
        {
            return;
        }

        _timer.Dispose();
        _timer = null;
        metrics.PollerStopped();
    }

    private Task TickAsync(CancellationToken ct) =>
        _schedule.IsDue ? PollAsync(ct) : Task.CompletedTask;

    private RepositoryPollStatus Status()
    {
        var (url, gitRef) = RepositoryKey.Parse(Key);
        return new RepositoryPollStatus(url, gitRef, state.State.Commit, state.State.LastCheckedAt, state.State.LastError,
            state.State.ConsecutiveFailures, _schedule.NextPollAt, state.State.Watchers.Count, _refChecks, _cache.Fetches);
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Repository {Repository} {Ref} moved from {OldCommit} to {NewCommit}")]
    private static partial void LogNewCommit(ILogger logger, string repository, string @ref, string oldCommit, string newCommit);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Polling {Repository} {Ref} failed ({Failures} in a row): {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string repository, string @ref, int failures, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Repository {Repository} {Ref} reachable again")]
    private static partial void LogRecovered(ILogger logger, string repository, string @ref);
}
