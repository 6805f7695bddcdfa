using System.Collections.Concurrent;

namespace Plural.Gateway.Listeners;

/// <summary>
/// Facts read from grains, kept per key so that a request does not wait on a silo that died. A fact younger than the
/// caller's freshness is answered from memory. An older one is read again with <see cref="GrainReadOptions.CallTimeout"/>;
/// when that read fails or hangs, the last fact keeps serving (for at most <see cref="GrainReadOptions.MaxStaleness"/>)
/// and later requests get it at once while the read is retried behind them. With nothing to fall back on, the read is
/// tried once more: by then the cluster may have declared the silo dead and the grain answers from its new home.
/// Concurrent reads of one key share one grain call; a call older than the timeout is not shared, so a hung call
/// never keeps a fact from refreshing once the grain answers again. Once any read failed, the cluster is known to be
/// recovering: for <see cref="DegradedFor"/> afterwards a read with a fallback waits only a tenth of the timeout, so
/// requests for other keys on the lost silo do not each wait the whole timeout before getting their fallback.
/// </summary>
/// <typeparam name="TValue">The fact; null is a fact too (an unknown token, an unregistered agent).</typeparam>
internal sealed class GrainReadCache<TValue>(string what, bool logKeys, GrainReadOptions options, TimeProvider clock, ILogger logger)
{
    // Bounded memory beats a perfect hit rate under a flood of distinct keys.
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Read> _reads = new(StringComparer.Ordinal);
    private long _degradedUntilTicks;

    /// <summary>How long after a failed read the cache waits less for reads it has a fallback for.</summary>
    internal static readonly TimeSpan DegradedFor = TimeSpan.FromSeconds(30);

    /// <summary>Whether a read failed within <see cref="DegradedFor"/> (or one was reported): the cluster is recovering from a lost silo.</summary>
    public bool IsDegraded => clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _degradedUntilTicks);

    /// <summary>Reports a grain call elsewhere that did not answer: reads with a fallback wait less from now on.</summary>
    public void MarkDegraded() => Interlocked.Exchange(ref _degradedUntilTicks, (clock.GetUtcNow() + DegradedFor).UtcTicks);

    /// <summary>
    /// The fact for <paramref name="key"/>, read with <paramref name="read"/> unless one younger than
    /// <paramref name="freshFor"/> is known. Throws <see cref="GrainReadUnavailableException"/> when the grain fails
    /// twice and nothing young enough is known; exceptions that are the grain's answer pass through.
    /// </summary>
    public async ValueTask<TValue> GetAsync(string key, Func<Task<TValue>> read, TimeSpan freshFor, CancellationToken ct) =>
        (await ReadAsync(key, read, freshFor, fallbackElsewhere: false, ct)).Value;

    /// <summary>
    /// As <see cref="GetAsync"/>, saying whether the fact is live. With <paramref name="fallbackElsewhere"/> the
    /// caller has another answer when this cache has none, so a failed read is not tried again and, while the cluster
    /// recovers, waits only as long as one with a fallback here.
    /// </summary>
    public async ValueTask<GrainRead<TValue>> ReadAsync(string key, Func<Task<TValue>> read, TimeSpan freshFor, bool fallbackElsewhere, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        _entries.TryGetValue(key, out var entry);
        if (entry is not null && now - entry.ReadAt < freshFor)
        {
            return new(entry.Value, null);
        }

        var fallback = entry is not null && now - entry.ReadAt <= options.MaxStaleness ? entry : null;
        if (fallback is { Failing: true })
        {
            // The last read failed: answer at once and let the next read run behind the request.
            _ = RefreshQuietlyAsync(key, read);
            return new(fallback.Value, fallback.ReadAt);
        }

        var degraded = IsDegraded;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var wait = (fallback is not null || fallbackElsewhere) && degraded ? options.CallTimeout / 10 : options.CallTimeout;
                return new(await StartOrJoin(key, read).WaitAsync(wait, clock, ct), null);
            }
            catch (Exception ex) when (GrainCallFailure.IsUnavailable(ex) && !ct.IsCancellationRequested)
            {
                MarkDegraded();
                if (fallback is not null)
                {
                    _entries.TryUpdate(key, fallback with { Failing = true }, fallback);
                    GrainReadLog.ServingStale(logger, what, Shown(key), ex.GetType().Name, (clock.GetUtcNow() - fallback.ReadAt).TotalSeconds);
                    return new(fallback.Value, fallback.ReadAt);
                }

                if (attempt == 2 || fallbackElsewhere)
                {
                    throw new GrainReadUnavailableException(what, Shown(key), ex);
                }

                GrainReadLog.Retrying(logger, what, Shown(key), ex.GetType().Name);
            }
        }
    }

    /// <summary>The fact known for <paramref name="key"/> however old, without reading; default when none.</summary>
    public bool TryPeek(string key, out TValue value)
    {
        var found = _entries.TryGetValue(key, out var entry);
        value = found ? entry!.Value : default!;
        return found;
    }

    /// <summary>Forgets a fact (after this gateway changed it), so the next request reads it.</summary>
    public void Invalidate(string key) => _entries.TryRemove(key, out _);

    private async Task RefreshQuietlyAsync(string key, Func<Task<TValue>> read)
    {
        try
        {
            await StartOrJoin(key, read).WaitAsync(options.CallTimeout, clock);
        }
        catch (Exception ex) when (GrainCallFailure.IsUnavailable(ex))
        {
            // The entry stays marked failing; the next request tries again.
        }
    }

    private Task<TValue> StartOrJoin(string key, Func<Task<TValue>> read)
    {
        var now = clock.GetUtcNow();
        while (true)
        {
            // A read that already finished is never joined: it may have finished before it was registered here (its
            // continuation can run on another thread first), and then nothing removed it.
            if (_reads.TryGetValue(key, out var running) && !running.Task.IsCompleted && now - running.StartedAt < options.CallTimeout)
            {
                return running.Task;
            }

            var started = new Read(now, ReadAndKeepAsync(key, read, now));
            if (running is null ? _reads.TryAdd(key, started) : _reads.TryUpdate(key, started, running))
            {
                return started.Task;
            }
        }
    }

    private async Task<TValue> ReadAndKeepAsync(string key, Func<Task<TValue>> read, DateTimeOffset startedAt)
    {
        // Yield first, so that the read is usually registered before it can finish and unregister itself.
        await Task.Yield();
        try
        {
            var value = await read();
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            // A late answer of an abandoned read still counts, unless a newer read already stored a fresher one.
            var fresh = new Entry(value, startedAt, Failing: false);
            _entries.AddOrUpdate(key, fresh, (_, old) => old.ReadAt > startedAt ? old : fresh);
            return value;
        }
        finally
        {
            if (_reads.TryGetValue(key, out var mine) && mine.StartedAt == startedAt)
            {
                _reads.TryRemove(new KeyValuePair<string, Read>(key, mine));
            }
        }
    }

    private string Shown(string key) => logKeys ? key : "(not shown)";

    private sealed record Entry(TValue Value, DateTimeOffset ReadAt, bool Failing);

    private sealed record Read(DateTimeOffset StartedAt, Task<TValue> Task);
}
