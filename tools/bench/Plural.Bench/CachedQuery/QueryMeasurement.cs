namespace Plural.Bench.CachedQuery;

/// <summary>One query shape: latencies (ms, sorted) from the agent's cache and from the API server, and API-server requests the cached ones caused.</summary>
public sealed record QueryMeasurement(string Query, int Objects, IReadOnlyList<double> CachedMs, IReadOnlyList<double> DirectMs, long ApiServerRequestsDuringCached);
