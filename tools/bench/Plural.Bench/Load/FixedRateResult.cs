namespace Plural.Bench.Load;

/// <summary>
/// What a fixed-rate run measured. Latency runs from when each request was due by the schedule to its last byte, so a
/// stall counts for every request that should have been sent during it (no coordinated omission). Microseconds.
/// </summary>
/// <param name="OfferedRate">Requests per second the schedule offered.</param>
/// <param name="AchievedRate">Requests answered successfully per second, over the time until the last answer.</param>
/// <param name="Requests">Requests answered successfully.</param>
/// <param name="Errors">Requests that failed.</param>
/// <param name="Latency">Latency from the intended start.</param>
/// <param name="SendLagP99">99th percentile of how late the client sent a request after it was due: the client's own part of the latency.</param>
/// <param name="Client">Which client measured it.</param>
public sealed record FixedRateResult(double OfferedRate, double AchievedRate, long Requests, long Errors, LatencySummary Latency,
    double SendLagP99, string Client)
{
    /// <summary>
    /// Builds the result from the schedule and what happened to each request: <paramref name="completedMicros"/> is when its
    /// answer was read in full, NaN for a request that failed; <paramref name="sentMicros"/> when the client sent it.
    /// </summary>
    public static FixedRateResult From(FixedRateSchedule schedule, IReadOnlyList<double> sentMicros, IReadOnlyList<double> completedMicros, string client)
    {
        var latencies = new List<double>(completedMicros.Count);
        var lags = new List<double>(sentMicros.Count);
        var lastAnswer = 0.0;
        for (var i = 0; i < completedMicros.Count; i++)
        {
            var intended = schedule.IntendedStartMicros(i);
            lags.Add(Math.Max(0, sentMicros[i] - intended));
            if (!double.IsNaN(completedMicros[i]))
            {
                latencies.Add(completedMicros[i] - intended);
                lastAnswer = Math.Max(lastAnswer, completedMicros[i]);
            }
        }

        lags.Sort();
        // The window is at least the schedule's own length: answering faster than offered is not a higher rate.
        var window = Math.Max(lastAnswer, schedule.IntendedStartMicros(completedMicros.Count)) / 1e6;
        return new FixedRateResult(schedule.Rate, window > 0 ? latencies.Count / window : 0, latencies.Count,
            completedMicros.Count - latencies.Count, LatencySummary.Of(latencies), Percentiles.Of(lags, 99), client);
    }
}
