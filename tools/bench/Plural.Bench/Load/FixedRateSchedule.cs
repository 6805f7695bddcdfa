namespace Plural.Bench.Load;

/// <summary>
/// When each request of a fixed-rate (open-loop) run is due: request <c>i</c> at <c>i / rate</c> seconds after the start,
/// whether or not earlier requests have been answered.
/// </summary>
/// <param name="Rate">Requests offered per second.</param>
public readonly record struct FixedRateSchedule(double Rate)
{
    /// <summary>Microseconds from the start at which request <paramref name="index"/> is due.</summary>
    public double IntendedStartMicros(long index) => index * 1e6 / Rate;

    /// <summary>How many requests are due within <paramref name="duration"/> of the start.</summary>
    public long CountWithin(TimeSpan duration) => Math.Max(1, (long)Math.Floor(duration.TotalSeconds * Rate));
}
