using System.Globalization;

namespace Plural.Topology.Tests.Observability;

/// <summary>The samples of a Prometheus text exposition, by series name (labels kept as written).</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ')];
            var labels = brace >= 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            var valueText = line[(line.IndexOf(' ', brace >= 0 ? line.LastIndexOf('}') : 0) + 1)..].Split(' ')[0];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _samples.Add((name, labels, value));
            }
        }
    }

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>Sum over every sample of the series whose labels contain <paramref name="labelFilter"/>.</summary>
    public double Sum(string name, string labelFilter = "") =>
        _samples.Where(s => s.Name == name && s.Labels.Contains(labelFilter, StringComparison.Ordinal)).Sum(s => s.Value);

    public IEnumerable<string> Names => _samples.Select(s => s.Name).Distinct();
}
