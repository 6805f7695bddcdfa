using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plural.Bench.Events;

/// <summary>
/// When each change was made and when each observer saw it, on one monotonic clock (everything runs on this
/// machine), so latency is arrival minus the moment just before the change was sent to the API server.
/// </summary>
public sealed class ArrivalLog
{
    private readonly ConcurrentDictionary<string, long> _madeAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _arrivals = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Arrivals of measured changes recorded since the last <see cref="Reset"/>, over all observers.</summary>
    public long TotalArrivals => Interlocked.Read(ref _total);

    /// <summary>Records that the change named <paramref name="name"/> is being made now.</summary>
    public void Made(string name) => _madeAt[name] = Stopwatch.GetTimestamp();

    /// <summary>Records that <paramref name="observer"/> saw <paramref name="name"/>; changes not made through this log are ignored.</summary>
    public void Arrived(string observer, string name)
    {
        var now = Stopwatch.GetTimestamp();
        if (_madeAt.TryGetValue(name, out var made))
        {
            _latencies.GetOrAdd(observer, _ => []).Add(Stopwatch.GetElapsedTime(made, now).TotalMilliseconds);
            _arrivals.AddOrUpdate(name, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _total);
        }
    }

    /// <summary>Forgets the latencies recorded so far (after a warm-up change).</summary>
    public void Reset()
    {
        _latencies.Clear();
        _arrivals.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>How many observers have seen <paramref name="name"/>.</summary>
    public int ArrivalsOf(string name) => _arrivals.GetValueOrDefault(name);

    /// <summary>Latencies in milliseconds of the observers whose name starts with <paramref name="prefix"/>, sorted.</summary>
    public IReadOnlyList<double> Latencies(string prefix) =>
        [.. _latencies.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).SelectMany(e => e.Value).Order()];

    /// <summary>Waits until <paramref name="observers"/> have seen <paramref name="name"/>; false at the deadline.</summary>
    public async Task<bool> WaitForAsync(string name, int observers, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (ArrivalsOf(name) < observers)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(2, ct);
        }

        return true;
    }
}
