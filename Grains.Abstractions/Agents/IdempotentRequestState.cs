namespace Plural.Grains.Agents;

/// <summary>Where a request id stands when a call claims it.</summary>
[GenerateSerializer, Alias("plural.agents.IdempotentRequestState")]
public enum IdempotentRequestState
{
    /// <summary>First sight of the id (or an earlier attempt failed): the caller runs the request.</summary>
    Claimed = 0,

    /// <summary>The request completed; the claim carries its answer.</summary>
    Completed = 1,

    /// <summary>Another call with the same id is running now.</summary>
    InProgress = 2,

    /// <summary>The id was used for a request with other parameters.</summary>
    Mismatch = 3,
}
