using System.Diagnostics.Metrics;

namespace Plural.Grains.Git;

/// <summary>
/// The repository pollers' instruments on one silo, defined once. Names are the Prometheus series names without the
/// suffixes the exporter adds (<c>_total</c> for counters, the unit for histograms); docs/operations.md lists them.
/// </summary>
public sealed class GitMetrics
{
    /// <summary>Name of the pollers' meter.</summary>
    public const string MeterName = "Plural.Git";

    /// <summary>Remote-ref checks, by result (exported as <c>_total</c>).</summary>
    public const string Polls = "plural_git_polls";

    /// <summary>Duration of polls, by result, in seconds (exported as <c>_seconds</c>).</summary>
    public const string PollDuration = "plural_git_poll_duration";

    /// <summary>Fetches into the silo's cache, by result (exported as <c>_total</c>).</summary>
    public const string Fetches = "plural_git_fetches";

    /// <summary>Poller activations on this silo that poll on a timer (someone watches them).</summary>
    public const string PollersActive = "plural_git_pollers_active";

    // A ref check is one round trip, but it waits for a free operation slot and a first fetch can take minutes.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private static readonly KeyValuePair<string, object?>[] ResultTags =
    [
        new("result", "unchanged"),
        new("result", "changed"),
        new("result", "failed"),
    ];

    private static readonly KeyValuePair<string, object?> FetchSucceeded = new("result", "ok");
    private static readonly KeyValuePair<string, object?> FetchFailed = new("result", "failed");

    private readonly Counter<long> _polls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _fetches;
    private readonly UpDownCounter<long> _active;

    /// <summary>Creates the instruments on the silo's meter factory.</summary>
    public GitMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _polls = meter.CreateCounter<long>(Polls, description: "Remote-ref checks of repository pollers, by result.");
        _duration = meter.CreateHistogram(PollDuration, unit: "s",
            description: "Duration of polls, including the wait for a free Git operation slot and any fetch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _fetches = meter.CreateCounter<long>(Fetches, description: "Fetches into the silo's repository cache, by result.");
        _active = meter.CreateUpDownCounter<long>(PollersActive, description: "Repository pollers on this silo that poll on a timer.");
    }

    /// <summary>Records one finished poll.</summary>
    public void RecordPoll(GitPollResult result, TimeSpan duration)
    {
        var tag = ResultTags[(int)result];
        _polls.Add(1, tag);
        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Records one fetch, successful or not.</summary>
    public void RecordFetch(bool succeeded) => _fetches.Add(1, succeeded ? FetchSucceeded : FetchFailed);

    /// <summary>A poller started its timer.</summary>
    public void PollerStarted() => _active.Add(1);

    /// <summary>A poller stopped its timer (nobody watches it, or its activation ends).</summary>
    public void PollerStopped() => _active.Add(-1);
}
