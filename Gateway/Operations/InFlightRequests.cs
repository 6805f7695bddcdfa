namespace Plural.Gateway.Operations;

/// <summary>Counts the requests this gateway is serving (users, peers, ServerApi), not the agents' own long-lived streams.</summary>
internal sealed class InFlightRequests
{
    private int _count;

    /// <summary>Requests being served now.</summary>
    public int Count => Volatile.Read(ref _count);

    internal void Enter() => Interlocked.Increment(ref _count);

    internal void Leave() => Interlocked.Decrement(ref _count);
}
