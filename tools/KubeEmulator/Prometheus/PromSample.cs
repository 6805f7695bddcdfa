namespace Plural.KubeEmulator.Prometheus;

/// <summary>One series' value at one instant; <see cref="Labels"/> include <c>__name__</c> until an aggregation drops it.</summary>
internal sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The label set as one comparable string, to group and order series.</summary>
    public string Key => string.Join(',', Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
