using Microsoft.Extensions.Logging;
using Plural.AgentK.Leadership;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>
/// One sync target's worker: applies its newest <see cref="ManifestSync"/> one at a time, lets a newer one cancel a
/// running apply, and applies the last one again every re-apply interval to repair drift, until the target is removed.
/// Applies only while this replica leads: an apply waits for a term, and stops the moment the term ends (the next
/// leader applies the whole target again, against the same inventory in the cluster).
/// </summary>
internal sealed class SyncTarget(string name, ManifestApplier applier, PendingReports reports, Func<TimeSpan> reapplyInterval, LeaderTerms terms, TimeProvider clock, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly ChangeSignal _wake = new();
    private ManifestSync? _desired;
    private long _desiredVersion;
    private CancellationTokenSource? _running;

    public string Name => name;

    /// <summary>Makes <paramref name="sync"/> the desired state; a running apply of an older one stops.</summary>
    public void Submit(ManifestSync sync)
    {
        lock (_gate)
        {
            _desired = sync;
            _desiredVersion++;
            if (_running is { IsCancellationRequested: false } running)
            {
                GitOpsLog.Superseded(logger, name);
                running.Cancel();
            }
        }

        _wake.Signal();
    }

    /// <summary>Looks at the re-apply interval again (it changed).</summary>
    public void Reschedule() => _wake.Signal();

    public async Task RunAsync(CancellationToken stopping)
    {
        long appliedVersion = 0;
        var appliedAt = clock.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            var seen = _wake.Version;
            ManifestSync? sync;
            long version;
            lock (_gate)
            {
                (sync, version) = (_desired, _desiredVersion);
            }

            var fresh = version != appliedVersion;
            var due = sync is { Removed: false } && clock.GetElapsedTime(appliedAt) >= reapplyInterval();
            if (sync is not null && (fresh || due))
            {
                if (await ApplyAsync(sync, reapply: !fresh, stopping))
                {
                    appliedVersion = version;
                    appliedAt = clock.GetTimestamp();
                }

                continue;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            if (sync is { Removed: false })
            {
                var left = reapplyInterval() - clock.GetElapsedTime(appliedAt);
                wait.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }

            try
            {
                await _wake.WaitPastAsync(seen, wait.Token);
            }
            catch (OperationCanceledException)
            {
                // The re-apply is due, or the agent stops (the loop ends).
            }
        }
    }

    private static ManifestSyncReport Failed(ManifestSync sync, bool reapply, TimeProvider clock, string reason)
    {
        var report = new ManifestSyncReport
        {
            Target = sync.Target, Commit = sync.Commit, Reapply = reapply,
            FinishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        report.Objects.AddRange(sync.Documents.Select(d => new ObjectSyncResult { Path = d.Path, Index = d.Index, State = ObjectSyncState.Failed, Message = reason }));
        return report;
    }

    /// <summary>Runs one apply once this replica leads; false when a newer sync superseded it or the term ended first.</summary>
    private async Task<bool> ApplyAsync(ManifestSync sync, bool reapply, CancellationToken stopping)
    {
        using var superseded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_gate)
        {
            _running = superseded;
        }

        var termEnded = CancellationToken.None;
        try
        {
            var term = await terms.WaitAsync(superseded.Token);
            termEnded = term.Ended;
            using var running = CancellationTokenSource.CreateLinkedTokenSource(superseded.Token, term.Ended);
            reports.Add(await applier.ApplyAsync(sync, reapply, running.Token));
            return true;
        }
        catch (OperationCanceledException) when (superseded.IsCancellationRequested || termEnded.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A bug in one target must not stop it for good, nor take the agent down; the next re-apply retries.
            GitOpsLog.Crashed(logger, name, exception);
            reports.Add(Failed(sync, reapply, clock, $"the agent could not apply this sync: {exception.GetType().Name}: {exception.Message}"));
            return true;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }
}
