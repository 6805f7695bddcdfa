using System.Text.RegularExpressions;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>One label matcher: <c>=</c>, <c>!=</c>, <c>=~</c> or <c>!~</c> (regular expressions anchored at both ends, as in PromQL).</summary>
internal sealed record LabelMatcher(string Label, string Operator, string Value)
{
    private readonly Regex? _regex = Operator is "=~" or "!~"
        ? new Regex($"^(?:{Value})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))
        : null;

    /// <summary>A missing label matches as the empty string, as in PromQL.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.TryGetValue(Label, out var v) ? v : "";
        return Operator switch
        {
            "=" => actual == Value,
            "!=" => actual != Value,
            "=~" => _regex!.IsMatch(actual),
            _ => !_regex!.IsMatch(actual),
        };
    }
}
