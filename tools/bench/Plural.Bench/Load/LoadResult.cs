namespace Plural.Bench.Load;

/// <summary>What one load run measured. Latencies are in microseconds.</summary>
/// <param name="Concurrency">Requests kept in flight (closed loop), or 0 for a fixed-rate run.</param>
/// <param name="Requests">Successful requests completed in the measured window.</param>
/// <param name="Errors">Failed requests (connection errors, non-2xx, timeouts).</param>
/// <param name="Seconds">Length of the measured window.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P90">90th percentile latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="P999">99.9th percentile latency.</param>
/// <param name="Max">Slowest request.</param>
/// <param name="Mean">Mean latency, which Little's law relates to concurrency and throughput.</param>
/// <param name="Client">Which load client measured it (<c>wrk</c> or <c>own</c>).</param>
public sealed record LoadResult(int Concurrency, long Requests, long Errors, double Seconds,
    double P50, double P90, double P99, double P999, double Max, double Mean, string Client)
{
    /// <summary>Completed requests per second.</summary>
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>A closed-loop result from recorded latencies (µs, any order; sorted in place).</summary>
    public static LoadResult FromLatencies(int concurrency, List<double> latencies, long errors, double seconds, string client)
    {
        var summary = LatencySummary.Of(latencies);
        return new LoadResult(concurrency, latencies.Count, errors, seconds,
            summary.P50, summary.P90, summary.P99, summary.P999, summary.Max, summary.Mean, client);
    }
}
