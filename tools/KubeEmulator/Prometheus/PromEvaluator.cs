using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>Evaluates a parsed query at one instant over the pods of that instant, as an instant vector.</summary>
internal static class PromEvaluator
{
    public static IReadOnlyList<PromSample> Evaluate(PromExpression expression, PodSeries series, IReadOnlyList<JsonObject> pods) => expression switch
    {
        VectorSelector s => series.Samples(s.Metric, pods)
            .Where(sample => (s.Metric is null || sample.Labels["__name__"] == s.Metric) && s.Matchers.All(m => m.Matches(sample.Labels)))
            .OrderBy(sample => sample.Key, StringComparer.Ordinal).ToList(),
        Aggregation a => Aggregate(a, Evaluate(a.Inner, series, pods)),
        _ => throw new InvalidOperationException($"unknown expression {expression}"),
    };

    private static List<PromSample> Aggregate(Aggregation a, IReadOnlyList<PromSample> input) =>
        input.GroupBy(s => GroupLabels(a, s.Labels), s => s.Value, LabelSetComparer.Instance)
            .Select(g => new PromSample(g.Key, a.Operator switch
            {
                "sum" => g.Sum(),
                "count" => g.Count(),
                "min" => g.Min(),
                "max" => g.Max(),
                _ => g.Average(),
            }))
            .OrderBy(s => s.Key, StringComparer.Ordinal).ToList();

    private static IReadOnlyDictionary<string, string> GroupLabels(Aggregation a, IReadOnlyDictionary<string, string> labels) =>
        a.Without
            ? labels.Where(l => l.Key != "__name__" && !a.Grouping.Contains(l.Key)).ToDictionary()
            : labels.Where(l => a.Grouping.Contains(l.Key)).ToDictionary();

    private sealed class LabelSetComparer : IEqualityComparer<IReadOnlyDictionary<string, string>>
    {
        public static readonly LabelSetComparer Instance = new();

        public bool Equals(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y) =>
            x!.Count == y!.Count && x.All(l => y.TryGetValue(l.Key, out var v) && v == l.Value);

        public int GetHashCode(IReadOnlyDictionary<string, string> labels) =>
            labels.OrderBy(l => l.Key, StringComparer.Ordinal).Aggregate(0, (h, l) => HashCode.Combine(h, l.Key, l.Value));
    }
}
