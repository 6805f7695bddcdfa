namespace Plural.Bench.Load;

/// <summary>What one load run at fixed concurrency measured. Latencies are in microseconds.</summary>
/// <param name="Concurrency">Requests kept in flight.</param>
/// <param name="Requests">Successful requests completed in the measured window.</param>
/// <param name="Errors">Failed requests (connection errors, non-2xx, timeouts).</param>
/// <param name="Seconds">Length of the measured window.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P90">90th percentile latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="Max">Slowest request.</param>
/// <param name="Client">Which load client measured it (<c>wrk</c> or <c>own</c>).</param>
public sealed record LoadResult(int Concurrency, long Requests, long Errors, double Seconds,
    double P50, double P90, double P99, double Max, string Client)
{
    /// <summary>Completed requests per second.</summary>
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;
}
