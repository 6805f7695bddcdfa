using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Agents;

/// <summary>
/// Counts failed agent authentications per remote address in one-minute windows and refuses an
/// address that exceeds <see cref="AgentAuthOptions.MaxFailuresPerMinute"/>, so a misconfigured or
/// hostile client cannot make every attempt cost a grain call.
/// </summary>
internal sealed class AuthFailureLimiter(IOptions<AgentAuthOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<IPAddress, Counter> _counters = new();

    /// <summary>True when the address has used up its failures for the current window.</summary>
    public bool IsBlocked(IPAddress? address) =>
        address is not null
        && _counters.TryGetValue(address, out var counter)
        && clock.GetUtcNow() - counter.WindowStart < Window
        && counter.Failures >= options.Value.MaxFailuresPerMinute;

    /// <summary>Records one failed attempt.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        _counters.AddOrUpdate(address,
            _ => new Counter(now, 1),
            (_, c) => now - c.WindowStart >= Window ? new Counter(now, 1) : c with { Failures = c.Failures + 1 });
        if (_counters.Count > PruneThreshold)
        {
            foreach (var (key, counter) in _counters)
            {
                if (now - counter.WindowStart >= Window)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed record Counter(DateTimeOffset WindowStart, int Failures);
}
