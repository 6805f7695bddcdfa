namespace Plural.Grains.Fleet;

/// <summary>Persisted state of <see cref="AgentDirectoryBucketGrain"/>: the listings of its agents, by name.</summary>
[GenerateSerializer, Alias("plural.fleet.AgentDirectoryBucketState")]
public sealed class AgentDirectoryBucketState
{
    [Id(0)] public Dictionary<string, AgentListing> Agents { get; set; } = [];
}
