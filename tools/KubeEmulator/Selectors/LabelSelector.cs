using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Selectors;

/// <summary>A parsed label selector: every requirement must hold.</summary>
internal sealed partial class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private readonly IReadOnlyList<LabelRequirement> _requirements;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => _requirements = requirements;

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    public bool Matches(JsonObject o) => IsEmpty || Matches(o.Labels());

    /// <summary>Parses the <c>labelSelector</c> query syntax; failures are 400 BadRequest as on the real server.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var requirements = new List<LabelRequirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim()));
        }
        return new LabelSelector(requirements);
    }

    /// <summary>Builds a selector from a <c>metav1.LabelSelector</c> object (matchLabels and matchExpressions).</summary>
    public static LabelSelector FromObject(JsonNode? selector)
    {
        if (selector is not JsonObject o) return Everything;
        var requirements = new List<LabelRequirement>();
        foreach (var (k, v) in JsonTree.StringMap(o["matchLabels"])) requirements.Add(new LabelRequirement(k, LabelOperator.Equals, [v]));
        foreach (var e in o["matchExpressions"].Objects())
        {
            var op = e.Str("operator") switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                var other => throw Errors.BadRequest($"\"{other}\" is not a valid label selector operator"),
            };
            requirements.Add(new LabelRequirement(e.Str("key") ?? "", op, e["values"].Strings().ToList()));
        }
        return new LabelSelector(requirements);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static LabelRequirement ParseRequirement(string part)
    {
        var m = SetPattern().Match(part);
        if (m.Success)
        {
            var values = m.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToList();
            if (values.Count == 0) throw Invalid(part, "for 'in', 'notin' operators, values set can't be empty");
            values.ForEach(v => ValidateValue(part, v));
            return new LabelRequirement(ValidKey(part, m.Groups["key"].Value), m.Groups["op"].Value == "in" ? LabelOperator.In : LabelOperator.NotIn, values);
        }
        m = BinaryPattern().Match(part);
        if (m.Success)
        {
            var value = m.Groups["value"].Value.Trim();
            var op = m.Groups["op"].Value switch
            {
                "!=" => LabelOperator.NotEquals,
                ">" => LabelOperator.GreaterThan,
                "<" => LabelOperator.LessThan,
                _ => LabelOperator.Equals,
            };
            if (op is LabelOperator.GreaterThan or LabelOperator.LessThan && !long.TryParse(value, out _))
                throw Invalid(part, $"for 'Gt', 'Lt' operators, the value must be an integer");
            ValidateValue(part, value);
            return new LabelRequirement(ValidKey(part, m.Groups["key"].Value), op, [value]);
        }
        if (part.StartsWith('!')) return new LabelRequirement(ValidKey(part, part[1..].Trim()), LabelOperator.DoesNotExist, []);
        return new LabelRequirement(ValidKey(part, part), LabelOperator.Exists, []);
    }

    private static string ValidKey(string part, string key)
    {
        key = key.Trim();
        if (!KeyPattern().IsMatch(key)) throw Invalid(part, $"invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        return key;
    }

    private static void ValidateValue(string part, string value)
    {
        if (value.Length > 0 && !ValuePattern().IsMatch(value))
            throw Invalid(part, $"invalid label value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }

    private static ApiException Invalid(string part, string why) => Errors.BadRequest($"unable to parse requirement: {why}");

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetPattern();

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s*(?<op>==|=|!=|>|<)(?<value>[^=!<>(),]*)$")]
    private static partial Regex BinaryPattern();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    internal static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    internal static partial Regex ValuePattern();
}
