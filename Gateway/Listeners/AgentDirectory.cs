using Plural.Grains.Fleet;

namespace Plural.Gateway.Listeners;

/// <summary>
/// Reads the agent directory's shards (<see cref="AgentDirectoryKeys"/>): pages of listings in ordinal name order
/// and every agent a selector picks. A page asks each shard once in the common case, and never any agent's grain.
/// Every listing read is remembered in the <see cref="AgentListingMirror"/>, which answers in their place while a
/// shard cannot (its silo was lost).
/// </summary>
internal sealed class AgentDirectory(IGrainFactory grains, AgentListingMirror mirror)
{
    // A whole fleet is read in batches, so that no single grain answer carries 100,000 listings.
    private const int AllBatch = 5000;

    /// <summary>
    /// Up to <paramref name="size"/> listings after <paramref name="after"/> that the query selects, and the name to
    /// continue after when more follow.
    /// </summary>
    public async Task<AgentListingPage> PageAsync(string? after, int size, string labelSelector, bool connectedOnly, CancellationToken ct)
    {
        var want = size + 1;
        var shards = Enumerable.Range(0, AgentDirectoryKeys.Shards)
            .Select(i => new Cursor(grains.GetGrain<IAgentDirectoryShardGrain>(i), after, mirror))
            .ToArray();
        // Names spread evenly over the shards: twice a shard's share (and a margin) is nearly always enough.
        var batch = Math.Max(16, want * 2 / AgentDirectoryKeys.Shards + 8);
        IEnumerable<Cursor> asking = shards;
        while (true)
        {
            var query = new AgentListingQuery(null, batch, labelSelector, connectedOnly);
            await Task.WhenAll(asking.Select(s => s.FetchAsync(query, ct)));
            var open = shards.Where(s => s.More).ToList();
            // Every listing up to the smallest name a shard with more stopped at is known; past it, one may be missing.
            var bound = open.Count == 0 ? null : open.Select(s => s.Last!).Min(StringComparer.Ordinal);
            var known = shards
                .SelectMany(s => s.Found)
                .Where(l => bound is null || string.CompareOrdinal(l.Name, bound) <= 0)
                .OrderBy(l => l.Name, StringComparer.Ordinal)
                .Take(want)
                .ToList();
            if (known.Count == want || bound is null)
            {
                var page = known.Take(size).ToList();
                return new AgentListingPage(page, known.Count > size ? page[^1].Name : null);
            }

            asking = open;
            batch *= 2;
        }
    }

    /// <summary>Every listing the query selects, in ordinal name order.</summary>
    public async Task<IReadOnlyList<AgentListing>> AllAsync(string labelSelector, bool connectedOnly, CancellationToken ct)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, AgentDirectoryKeys.Shards).Select(async i =>
        {
            var cursor = new Cursor(grains.GetGrain<IAgentDirectoryShardGrain>(i), null, mirror);
            do
            {
                await cursor.FetchAsync(new AgentListingQuery(null, AllBatch, labelSelector, connectedOnly), ct);
            }
            while (cursor.More);

            return cursor.Found;
        }));
        return [.. shards.SelectMany(s => s).OrderBy(l => l.Name, StringComparer.Ordinal)];
    }

    /// <summary>The first <paramref name="limit"/> registered names in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(int limit, CancellationToken ct) =>
        [.. (await PageAsync(null, limit, "", connectedOnly: false, ct)).Agents.Select(a => a.Name)];

    /// <summary>What one shard answered so far; each fetch continues after its last listing.</summary>
    private sealed class Cursor(IAgentDirectoryShardGrain shard, string? after, AgentListingMirror mirror)
    {
        public List<AgentListing> Found { get; } = [];

        public bool More { get; private set; } = true;

        public string? Last { get; private set; } = after;

        public async Task FetchAsync(AgentListingQuery query, CancellationToken ct)
        {
            var batch = await shard.List(query with { After = Last }).WaitAsync(ct);
            mirror.Remember(batch.Agents);
            Found.AddRange(batch.Agents);
            More = batch.More;
            if (batch.Agents.Count > 0)
            {
                Last = batch.Agents[^1].Name;
            }
        }
    }
}
