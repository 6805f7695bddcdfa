using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
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

    private IGrainTimer? _timer;
    private DateTimeOffset? _nextPollAt;
    private long _refChecks, _fetches;

    private string Key => this.GetPrimaryKeyString();

    private string CacheDirectory => Path.Combine(options.Value.ResolvedCacheDirectory,
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)))[..32]);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Watchers.Count > 0)
        {
            var sinceLast = clock.GetUtcNow() - (state.State.LastCheckedAt ?? DateTimeOffset.MinValue);
            Schedule(sinceLast >= options.Value.PollInterval ? TimeSpan.Zero : options.Value.PollInterval - sinceLast);
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
            Schedule(Jitter(options.Value.PollInterval));
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

    public async Task<RepositoryFileSet> ReadFiles(string commit, IReadOnlyList<string> patterns, RepositoryReadLimits limits)
    {
        var directory = CacheDirectory;
        if (!await Task.Run(() => GitClient.HasCommit(directory, commit)))
        {
            // The cache is per silo: after this grain moved, the first read fetches again.
            var (url, _) = RepositoryKey.Parse(Key);
            var refName = state.State.RefName ?? (await git.ResolveRemoteAsync(url, RepositoryKey.Parse(Key).Ref, CancellationToken.None)).RefName;
            await FetchAsync(directory, url, refName, CancellationToken.None);
            if (!await Task.Run(() => GitClient.HasCommit(directory, commit)))
            {
                throw new RepositoryUnavailableException($"commit {commit} is no longer on {refName} of {GitClient.Redact(url)}");
            }
        }

        return await Task.Run(() => GitClient.ReadFiles(directory, commit, patterns, limits));
    }

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
                await FetchAsync(CacheDirectory, url, refName, ct);
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
            Schedule(NextDelay());
        }
    }

    private async Task FetchAsync(string directory, string url, string refName, CancellationToken ct)
    {
        try
        {
            await git.FetchAsync(directory, url, refName, ct);
        }
        catch (RepositoryUnavailableException)
        {
            metrics.RecordFetch(succeeded: false);
            throw;
        }

        _fetches++;
        metrics.RecordFetch(succeeded: true);
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

    private TimeSpan NextDelay()
    {
        var interval = options.Value.PollInterval;
        if (state.State.ConsecutiveFailures == 0)
        {
            return Jitter(interval);
        }

        var backoff = interval * Math.Pow(2, Math.Min(state.State.ConsecutiveFailures - 1, 20));
        return Jitter(backoff < options.Value.MaxBackoff ? backoff : options.Value.MaxBackoff);
    }

    private TimeSpan Jitter(TimeSpan delay) =>
        delay * (1 + options.Value.PollJitter * (2 * Random.Shared.NextDouble() - 1));

    private void Schedule(TimeSpan due)
    {
        _nextPollAt = clock.GetUtcNow() + due;
        // A steady tick that checks the due time, rather than re-arming one timer per poll: backoff and jitter then
        // need no timer changes from inside its own callback, and the tick costs nothing without network.
        if (_timer is not null)
        {
            return;
        }

        var tick = options.Value.PollInterval / 4;
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
        _nextPollAt = null;
        if (_timer is null)
        {
            return;
        }

        _timer.Dispose();
        _timer = null;
        metrics.PollerStopped();
    }

    private Task TickAsync(CancellationToken ct) =>
        _nextPollAt is { } due && due <= clock.GetUtcNow() ? PollAsync(ct) : Task.CompletedTask;

    private RepositoryPollStatus Status()
    {
        var (url, gitRef) = RepositoryKey.Parse(Key);
        return new RepositoryPollStatus(url, gitRef, state.State.Commit, state.State.LastCheckedAt, state.State.LastError,
            state.State.ConsecutiveFailures, _nextPollAt, state.State.Watchers.Count, _refChecks, _fetches);
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Repository {Repository} {Ref} moved from {OldCommit} to {NewCommit}")]
    private static partial void LogNewCommit(ILogger logger, string repository, string @ref, string oldCommit, string newCommit);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Polling {Repository} {Ref} failed ({Failures} in a row): {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string repository, string @ref, int failures, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Repository {Repository} {Ref} reachable again")]
    private static partial void LogRecovered(ILogger logger, string repository, string @ref);
}
