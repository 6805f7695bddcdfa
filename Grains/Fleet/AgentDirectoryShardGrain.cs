using Plural.Protocol.Kubernetes;

namespace Plural.Grains.Fleet;

/// <inheritdoc cref="IAgentDirectoryShardGrain"/>
/// <remarks>Kept alive: reloading means reading every bucket of the shard, and listings ask it all the time.</remarks>
[KeepAlive]
public sealed class AgentDirectoryShardGrain(TimeProvider clock) : Grain, IAgentDirectoryShardGrain
{
    private readonly SortedList<string, AgentListing> _agents = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var shard = (int)this.GetPrimaryKeyLong();
        // Buckets answer All() interleaved, so a bucket waiting on this activation to take its Put still answers.
        var buckets = await Task.WhenAll(AgentDirectoryKeys.BucketsOf(shard)
            .Select(b => GrainFactory.GetGrain<IAgentDirectoryBucketGrain>(b).All()));
        foreach (var listing in buckets.SelectMany(b => b))
        {
            _agents[listing.Name] = listing;
        }
    }

    public Task Put(AgentListing listing)
    {
        _agents[listing.Name] = listing;
        return Task.CompletedTask;
    }

    public Task Remove(string agentName)
    {
        _agents.Remove(agentName);
        return Task.CompletedTask;
    }

    public Task<AgentListingBatch> List(AgentListingQuery query)
    {
        var selector = LabelSelector.Parse(query.LabelSelector);
        var now = clock.GetUtcNow();
        var names = _agents.Keys;
        var values = _agents.Values;
        var found = new List<AgentListing>(Math.Min(query.Limit, 1024));
        for (var i = query.After is null ? 0 : FirstAfter(names, query.After); i < names.Count; i++)
        {
            var listing = AgentListingFreshness.At(values[i], now);
            if ((query.ConnectedOnly && !listing.Connected) || !selector.Matches(listing.Labels))
            {
                continue;
            }

            if (found.Count == query.Limit)
            {
                return Task.FromResult(new AgentListingBatch(found, More: true));
            }

            found.Add(listing);
        }

        return Task.FromResult(new AgentListingBatch(found, More: false));
    }

    private static int FirstAfter(IList<string> names, string after)
    {
        int low = 0, high = names.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (string.CompareOrdinal(names[middle], after) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
