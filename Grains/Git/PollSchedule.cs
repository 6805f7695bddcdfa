namespace Plural.Grains.Git;

/// <summary>
/// When a repository poller checks its remote next: every <see cref="GitOptions.PollInterval"/> while checks succeed,
/// doubling per failure in a row up to <see cref="GitOptions.MaxBackoff"/>, each wait moved by up to
/// <see cref="GitOptions.PollJitter"/> of itself at random so that pollers do not fire in step.
/// </summary>
internal sealed class PollSchedule(GitOptions options, TimeProvider clock, Random? random = null)
{
    // Past 2^20 intervals the cap has long applied; the bound only keeps the arithmetic finite.
    private const int MaxDoublings = 20;

    private readonly Random _random = random ?? Random.Shared;

    /// <summary>When the next check is due; null while the poller is stopped.</summary>
    public DateTimeOffset? NextPollAt { get; private set; }

    /// <summary>How often the poller's timer looks at the due time: a quarter of the interval.</summary>
    public TimeSpan Tick => options.PollInterval / 4;

    /// <summary>True when a check is due now.</summary>
    public bool IsDue => NextPollAt is { } due && due <= clock.GetUtcNow();

    /// <summary>The wait on activation: what is left of the interval since the last check, none if it has passed.</summary>
    public TimeSpan AfterActivation(DateTimeOffset? lastCheckedAt)
    {
        var sinceLast = clock.GetUtcNow() - (lastCheckedAt ?? DateTimeOffset.MinValue);
        return sinceLast >= options.PollInterval ? TimeSpan.Zero : options.PollInterval - sinceLast;
    }

    /// <summary>The wait after a check: the jittered interval, or after failures the jittered, capped backoff.</summary>
    public TimeSpan AfterCheck(int consecutiveFailures)
    {
        var interval = options.PollInterval;
        if (consecutiveFailures == 0)
        {
            return Jitter(interval);
        }

        var backoff = interval * Math.Pow(2, Math.Min(consecutiveFailures - 1, MaxDoublings));
        return Jitter(backoff < options.MaxBackoff ? backoff : options.MaxBackoff);
    }

    /// <summary>The interval with jitter, for a poller that starts without a failure behind it.</summary>
    public TimeSpan Steady() => Jitter(options.PollInterval);

    /// <summary>Makes the next check due after <paramref name="wait"/>.</summary>
    public void DueIn(TimeSpan wait) => NextPollAt = clock.GetUtcNow() + wait;

    /// <summary>Makes no check due.</summary>
    public void Stop() => NextPollAt = null;

    private TimeSpan Jitter(TimeSpan delay) => delay * (1 + options.PollJitter * (2 * _random.NextDouble() - 1));
}
