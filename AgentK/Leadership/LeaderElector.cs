using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Leadership;

/// <summary>
/// client-go's leader election over one Lease: candidates try every retry period to take a Lease whose holder has not
/// renewed it for a lease duration (judged by when this replica saw the record last change, so clocks need not
/// agree); the leader renews every retry period and stops acting the moment a renewal has not succeeded for the renew
/// deadline, or it finds the Lease held by another. The deadline is shorter than the lease duration, so the old leader
/// has stopped before any other replica can take over.
/// </summary>
internal sealed class LeaderElector(LeaseLock lease, LeaderTerms terms, LeaderElectionOptions options, TimeProvider clock, ILogger logger)
{
    /// <summary>A candidate's wait between attempts is the retry period stretched by up to this factor, so replicas do not retry in step.</summary>
    public const double JitterFactor = 1.2;

    private readonly string _identity = options.Identity!;
    private string? _observedVersion;
    private long _observedAt;
    private string? _reportedHolder;
    private string? _reportedFailure;

    private enum Attempt
    {
        Held,
        HeldByAnother,
        Failed,
    }

    /// <summary>Competes for the Lease until <paramref name="stopping"/>; a leader that stops ends its term first, then releases the Lease.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        LeadershipLog.Started(logger, lease.Description, _identity, options.LeaseDuration.TotalSeconds, options.RenewDeadline.TotalSeconds, options.RetryPeriod.TotalSeconds);
        while (!stopping.IsCancellationRequested)
        {
            long started;
            try
            {
                while (true)
                {
                    started = clock.GetTimestamp();
                    if (await TryAcquireOrRenewAsync(stopping) == Attempt.Held)
                    {
                        break;
                    }

                    await Task.Delay(Jittered(options.RetryPeriod), clock, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            var (term, watchdog) = terms.Begin();
            using (watchdog)
            {
                // The deadline counts from before the write that took the Lease: others count their lease duration from
                // when they saw that write, which is later.
                watchdog.CancelAfter(Remaining(options.RenewDeadline, started));
                LeadershipLog.Acquired(logger, lease.Description, term.Number);
                var reason = await LeadAsync(term, watchdog, stopping);
                terms.End();
                if (stopping.IsCancellationRequested)
                {
                    await ReleaseAsync();
                    return;
                }

                LeadershipLog.Lost(logger, lease.Description, term.Number, reason);
            }
        }
    }

    /// <summary>Renews until the term ends; returns why it ended.</summary>
    private async Task<string> LeadAsync(LeaderTerm term, CancellationTokenSource watchdog, CancellationToken stopping)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(term.Ended, stopping);
        while (true)
        {
            try
            {
                await Task.Delay(options.RetryPeriod, clock, leading.Token);
                var started = clock.GetTimestamp();
                switch (await TryAcquireOrRenewAsync(leading.Token))
                {
                    case Attempt.Held:
                        watchdog.CancelAfter(Remaining(options.RenewDeadline, started));
                        break;
                    case Attempt.HeldByAnother:
                        return $"the Lease is held by {_reportedHolder}";
                }
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                return stopping.IsCancellationRequested ? "the agent stops" : $"no renewal succeeded within the renew deadline ({options.RenewDeadline.TotalSeconds} s)";
            }
        }
    }

    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var current = await lease.GetAsync(ct);
            if (current is null)
            {
                var created = await lease.CreateAsync(new V1LeaseSpec
                {
                    HolderIdentity = _identity, LeaseDurationSeconds = DurationSeconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0,
                }, ct);
                return Observed(created) ? Attempt.Held : Attempt.Failed;
            }

            Observed(current);
            var spec = current.Spec ??= new V1LeaseSpec();
            var holder = spec.HolderIdentity;
            var mine = holder == _identity;
            if (!string.IsNullOrEmpty(holder) && !mine && clock.GetElapsedTime(_observedAt) < TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0))
            {
                ReportHolder(holder);
                return Attempt.HeldByAnother;
            }

            if (!mine)
            {
                spec.AcquireTime = now;
                spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
            }

            spec.HolderIdentity = _identity;
            spec.LeaseDurationSeconds = DurationSeconds;
            spec.RenewTime = now;
            var written = await lease.ReplaceAsync(current, ct);
            if (written is not null)
            {
                ReportHolder(_identity);
            }

            // A lost race (409) is an ordinary outcome: the next attempt reads the winner's record.
            return Observed(written) ? Attempt.Held : Attempt.Failed;
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or TimeoutException
                                              || exception is OperationCanceledException && !ct.IsCancellationRequested)
        {
            var reason = exception is HttpOperationException http ? $"HTTP {(int)http.Response.StatusCode} {http.Response.Content}" : exception.Message;
            if (reason != _reportedFailure)
            {
                _reportedFailure = reason;
                LeadershipLog.Failed(logger, lease.Description, reason);
            }

            return Attempt.Failed;
        }
    }

    /// <summary>Gives the Lease up so another replica takes it at once rather than after a lease duration.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(options.RenewDeadline, clock);
        try
        {
            if (await lease.GetAsync(timeout.Token) is not { Spec.HolderIdentity: var holder } current || holder != _identity)
            {
                return;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            current.Spec = new V1LeaseSpec { LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now, LeaseTransitions = current.Spec.LeaseTransitions };
            if (await lease.ReplaceAsync(current, timeout.Token) is not null)
            {
                LeadershipLog.Released(logger, lease.Description);
            }
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The Lease then expires by itself after its duration.
            LeadershipLog.Failed(logger, lease.Description, exception.Message);
        }
    }

    private bool Observed(V1Lease? seen)
    {
        if (seen is null)
        {
            return false;
        }

        if (seen.Metadata?.ResourceVersion != _observedVersion)
        {
            _observedVersion = seen.Metadata?.ResourceVersion;
            _observedAt = clock.GetTimestamp();
        }

        return true;
    }

    private void ReportHolder(string holder)
    {
        _reportedFailure = null;
        if (holder != _reportedHolder)
        {
            _reportedHolder = holder;
            if (holder != _identity)
            {
                LeadershipLog.HeldBy(logger, lease.Description, holder);
            }
        }
    }

    private int DurationSeconds => (int)options.LeaseDuration.TotalSeconds;

    private TimeSpan Remaining(TimeSpan deadline, long since)
    {
        var left = deadline - clock.GetElapsedTime(since);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static TimeSpan Jittered(TimeSpan period) => period * (1 + Random.Shared.NextDouble() * (JitterFactor - 1));
}
