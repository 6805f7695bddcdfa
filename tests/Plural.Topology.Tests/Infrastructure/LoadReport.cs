namespace Plural.Topology.Tests.Infrastructure;

/// <summary>What the load saw over a time window: counts, failures, and the longest stretch of failures (the blip).</summary>
internal sealed record LoadReport(int Total, int Failed, TimeSpan LongestBlip, IReadOnlyList<RequestRecord> Failures)
{
    // Failures closer together than this count as one blip.
    private static readonly TimeSpan BlipGap = TimeSpan.FromSeconds(1);

    public static LoadReport Of(IReadOnlyList<RequestRecord> records, DateTime from, DateTime to)
    {
        var window = records.Where(r => r.Started >= from && r.Started <= to).OrderBy(r => r.Started).ToList();
        var failures = window.Where(r => !r.Succeeded).ToList();
        var longest = TimeSpan.Zero;
        DateTime? blipStart = null;
        DateTime blipEnd = default;
        foreach (var failure in failures)
        {
            if (blipStart is null || failure.Started - blipEnd > BlipGap)
            {
                blipStart = failure.Started;
            }

            blipEnd = failure.Ended;
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (blipEnd - blipStart.Value).Ticks));
        }

        return new LoadReport(window.Count, failures.Count, longest, failures);
    }

    public override string ToString()
    {
        var sample = string.Join("\n  ", Failures.Take(8).Select(f => $"{f.Started:HH:mm:ss.fff} {f.Gateway} {f.Agent} {f.Status} {f.Error}"));
        return $"{Total} requests, {Failed} failed, longest blip {LongestBlip.TotalSeconds:0.0} s" + (Failed > 0 ? "\n  " + sample : "");
    }
}
