using System.Collections.Concurrent;
using Plural.Grains.Fleet;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Listeners;

/// <summary>
/// This gateway's copy of the agent directory: every listing it read from the directory's shards (pages, fleet
/// queries, the periodic full read of <see cref="AgentListingMirrorRefresher"/>) or learnt from an agent's grain. What
/// <c>ServerApi</c> answers from, marked stale, while the grain or shard it would ask sits on a silo that was lost and
/// the cluster has not moved it yet, so that the main application's reads do not wait out the recovery.
/// </summary>
internal sealed class AgentListingMirror(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _listings = new(StringComparer.Ordinal);

    /// <summary>Listings just read from the directory or an agent's grain.</summary>
    public void Remember(IEnumerable<AgentListing> listings)
    {
        var now = clock.GetUtcNow();
        foreach (var listing in listings)
        {
            _listings[listing.Name] = new Entry(listing, now);
        }
    }

    /// <summary>
    /// The whole directory as read by a full pass that started at <paramref name="startedAt"/>: names it did not see
    /// are forgotten unless they were learnt after the pass started (a registration while it ran).
    /// </summary>
    public void ReplaceAll(IReadOnlyList<AgentListing> all, DateTimeOffset startedAt)
    {
        Remember(all);
        var seen = all.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, entry) in _listings)
        {
            if (!seen.Contains(name) && entry.ReadAt < startedAt)
            {
                _listings.TryRemove(new KeyValuePair<string, Entry>(name, entry));
            }
        }
    }

    /// <summary>True while the copy knows no agent at all.</summary>
    public bool IsEmpty => _listings.IsEmpty;

    /// <summary>Forgets a deleted agent.</summary>
    public void Forget(string agentName) => _listings.TryRemove(agentName, out _);

    /// <summary>The last listing known of <paramref name="agentName"/> and when it was read.</summary>
    public bool TryGet(string agentName, out AgentListing listing, out DateTimeOffset readAt)
    {
        var found = _listings.TryGetValue(agentName, out var entry);
        (listing, readAt) = found ? (entry!.Listing, entry.ReadAt) : (null!, default);
        return found;
    }

    /// <summary>
    /// A page as <see cref="AgentDirectory.PageAsync"/> answers it, from the copy; <paramref name="readAt"/> is the
    /// oldest read among its listings (now for an empty page).
    /// </summary>
    public AgentListingPage Page(string? after, int size, LabelSelector selector, bool connectedOnly, out DateTimeOffset readAt)
    {
        var picked = _listings.Values
            .Where(e => (after is null || string.CompareOrdinal(e.Listing.Name, after) > 0)
                && (!connectedOnly || e.Listing.Connected) && selector.Matches(e.Listing.Labels))
            .OrderBy(e => e.Listing.Name, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        var page = picked.Take(size).ToList();
        readAt = page.Count == 0 ? clock.GetUtcNow() : page.Min(e => e.ReadAt);
        return new AgentListingPage([.. page.Select(e => e.Listing)], picked.Count > size ? page[^1].Listing.Name : null);
    }

    private sealed record Entry(AgentListing Listing, DateTimeOffset ReadAt);
}
