namespace Plural.Gateway.Listeners;

/// <summary>
/// A fact a request needs could not be read from its grain, twice, and nothing recent enough is known of it: the
/// silo holding it is gone and the cluster has not yet moved it. Answered as 503 (or gRPC <c>Unavailable</c>); the
/// caller may retry.
/// </summary>
internal sealed class GrainReadUnavailableException(string what, string key, Exception inner)
    : Exception($"{what} \"{key}\" cannot be read right now (the cluster is recovering from a lost silo); retry", inner);
