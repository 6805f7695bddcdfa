namespace Plural.Grains.Agents;

/// <summary>The outcome of claiming a request id; <see cref="Answer"/> is set when the request already completed.</summary>
[GenerateSerializer, Immutable, Alias("plural.agents.IdempotentRequestClaim")]
public sealed record IdempotentRequestClaim(
    [property: Id(0)] IdempotentRequestState State,
    [property: Id(1)] byte[]? Answer = null);
