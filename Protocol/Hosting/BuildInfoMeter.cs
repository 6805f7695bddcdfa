using System.Diagnostics.Metrics;

namespace Plural.Protocol.Hosting;

/// <summary>
/// <c>plural_build_info{version,commit}</c>, always 1: which build each process runs, so that a dashboard can show a
/// rollout and a mixed fleet. Every program that exports metrics adds <see cref="Name"/> and calls <see cref="Ensure"/>.
/// </summary>
public static class BuildInfoMeter
{
    /// <summary>The meter's name, for the exporter's <c>AddMeter</c>.</summary>
    public const string Name = "Plural.Build";

    /// <summary>The instrument's name.</summary>
    public const string InstrumentName = "plural_build_info";

    private static readonly Meter Meter = new(Name);
    private static readonly ObservableGauge<int> Gauge = CreateGauge();

    /// <summary>Creates the gauge (once per process) so that the first scrape has it.</summary>
    public static void Ensure() => GC.KeepAlive(Gauge);

    private static ObservableGauge<int> CreateGauge()
    {
        var plus = BuildVersion.Current.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? BuildVersion.Current : BuildVersion.Current[..plus];
        var commit = plus < 0 ? "unknown" : BuildVersion.Current[(plus + 1)..];
        KeyValuePair<string, object?>[] tags = [new("version", version), new("commit", commit)];
        return Meter.CreateObservableGauge(InstrumentName, () => new Measurement<int>(1, tags),
            description: "The build this process runs: always 1, with its version and commit.");
    }
}
