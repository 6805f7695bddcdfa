namespace Plural.Grains.Fleet;

/// <summary>
/// Where an agent's listing lives. A name hashes to one of <see cref="Buckets"/> persisted buckets (small, so a
/// registration rewrites a few dozen entries at 100,000 agents, not the whole fleet); bucket <c>b</c> belongs to
/// shard <c>b % <see cref="Shards"/></c>, an in-memory grain that holds its buckets' listings for queries, so a page
/// or a fleet query asks <see cref="Shards"/> grains at most.
/// </summary>
/// <remarks>
/// Both counts are fixed: changing either moves names to other buckets and hides every registered agent from
/// listings. The hash is FNV-1a over the name's UTF-16 code units, stable across processes and versions (unlike
/// <see cref="string.GetHashCode()"/>).
/// </remarks>
public static class AgentDirectoryKeys
{
    /// <summary>Persisted directory buckets.</summary>
    public const int Buckets = 4096;

    /// <summary>In-memory directory shards that listings and fleet queries ask.</summary>
    public const int Shards = 64;

    /// <summary>The bucket that holds <paramref name="agentName"/>'s listing.</summary>
    public static int BucketOf(string agentName)
    {
        var hash = 2166136261u;
        foreach (var c in agentName)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Buckets);
    }

    /// <summary>The shard that holds <paramref name="bucket"/>'s listings.</summary>
    public static int ShardOf(int bucket) => bucket % Shards;

    /// <summary>The buckets of <paramref name="shard"/>.</summary>
    public static IEnumerable<int> BucketsOf(int shard) =>
        Enumerable.Range(0, Buckets / Shards).Select(i => shard + i * Shards);
}
