namespace Plural.AgentK.Transport;

/// <summary>
/// Exponential backoff with additive jitter (the shape of Kubernetes' wait.Backoff, as used by agentk).
/// Not thread-safe: each retrying loop owns its instance.
/// </summary>
internal sealed class ReconnectBackoff(ReconnectOptions options, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private TimeSpan _current = options.InitialBackoff;

    /// <summary>The delay to wait before the next attempt; grows the following one.</summary>
    public TimeSpan Next()
    {
        var basis = _current;
        _current = TimeSpan.FromTicks(Math.Min(options.MaxBackoff.Ticks, (long)(_current.Ticks * options.Factor)));
        return basis + TimeSpan.FromTicks((long)(basis.Ticks * options.Jitter * _random.NextDouble()));
    }

    /// <summary>Starts over from the initial delay, after a healthy period.</summary>
    public void Reset() => _current = options.InitialBackoff;

    /// <summary>Resets when the attempt that just ended had been healthy for long enough.</summary>
    public void ResetIfHealthyFor(TimeSpan healthy)
    {
        if (healthy >= options.ResetAfter)
        {
            Reset();
        }
    }
}
