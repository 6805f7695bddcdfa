using System.Collections.Concurrent;

namespace Plural.Gateway.Listeners;

/// <summary>In-flight counts per key (a user, an agent) with a ceiling; keys with nothing in flight are forgotten.</summary>
internal sealed class ConcurrencyCounter
{
    private readonly ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);

    /// <summary>Takes one slot of <paramref name="key"/>; false (and nothing taken) when <paramref name="limit"/> are in use.</summary>
    public bool TryEnter(string key, int limit)
    {
        while (true)
        {
            var box = _counts.GetOrAdd(key, _ => new StrongBox());
            lock (box)
            {
                if (box.Removed)
                {
                    continue; // Lost a race with the last Exit; take the fresh box.
                }

                if (box.Count >= limit)
                {
                    return false;
                }

                box.Count++;
                return true;
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit(string key)
    {
        if (!_counts.TryGetValue(key, out var box))
        {
            return;
        }

        lock (box)
        {
            if (--box.Count == 0)
            {
                box.Removed = true;
                _counts.TryRemove(new KeyValuePair<string, StrongBox>(key, box));
            }
        }
    }

    /// <summary>Slots of <paramref name="key"/> in use now.</summary>
    public int InUse(string key) => _counts.TryGetValue(key, out var box) ? Volatile.Read(ref box.Count) : 0;

    private sealed class StrongBox
    {
        public int Count;
        public bool Removed;
    }
}
