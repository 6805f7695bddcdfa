using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Agents;

/// <summary>
/// Counts agent session attempts per token in one-minute windows. An agent reconnects a few times a minute at worst
/// (backoff with jitter); a token that opens sessions far faster is leaked or broken, and each attempt costs a lease
/// grain call, so it is refused until the window ends.
/// </summary>
internal sealed class SessionAttemptLimiter(IOptions<AgentLimitOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Counts one attempt of <paramref name="tokenId"/>; false when it is over the limit for this minute.</summary>
    public bool TryAttempt(string tokenId)
    {
        var now = clock.GetUtcNow();
        var counter = _counters.AddOrUpdate(tokenId,
            _ => new Counter(now, 1),
            (_, c) => now - c.WindowStart >= Window ? new Counter(now, 1) : c with { Attempts = c.Attempts + 1 });
        if (_counters.Count > PruneThreshold)
        {
            foreach (var (key, c) in _counters)
            {
                if (now - c.WindowStart >= Window)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }

        return counter.Attempts <= options.Value.MaxSessionsPerTokenPerMinute;
    }

    private sealed record Counter(DateTimeOffset WindowStart, int Attempts);
}
