namespace Plural.Grains.Fleet;

/// <summary>
/// A shard's answer to an <see cref="AgentListingQuery"/>, in ordinal name order. <see cref="More"/> says the shard
/// stopped at the limit: more may match after the last listing returned.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.fleet.AgentListingBatch")]
public sealed record AgentListingBatch(
    [property: Id(0)] IReadOnlyList<AgentListing> Agents,
    [property: Id(1)] bool More);
