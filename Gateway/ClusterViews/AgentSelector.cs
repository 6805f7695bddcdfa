namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Picks agents by their registration labels, in Kubernetes label selector syntax: comma-separated
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>.
/// </summary>
public sealed class AgentSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private AgentSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    /// <summary>True when every requirement holds for <paramref name="labels"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    /// <summary>Parses a selector; empty selects every agent. Throws <see cref="ArgumentException"/> naming the bad part.</summary>
    public static AgentSelector Parse(string? text)
    {
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        if (!string.IsNullOrWhiteSpace(text))
        {
            foreach (var part in SplitTopLevel(text))
            {
                requirements.Add(Requirement(part.Trim()));
            }
        }

        return new AgentSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> Requirement(string part)
    {
        if (part.StartsWith('!'))
        {
            var key = Key(part[1..].Trim(), part);
            return labels => !labels.ContainsKey(key);
        }

        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = Key(part[..at].Trim(), part);
                var set = part[(at + op.Length)..].Trim();
                if (set.Length < 2 || set[0] != '(' || set[^1] != ')')
                {
                    throw Bad(part, "a set must be written (a,b,...)");
                }

                var values = set[1..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                return labels => (labels.TryGetValue(key, out var v) && values.Contains(v)) != negate;
            }
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = Key(part[..at].Trim(), part);
                var value = part[(at + op.Length)..].Trim();
                return labels => (labels.TryGetValue(key, out var v) && v == value) != negate;
            }
        }

        var exists = Key(part, part);
        return labels => labels.ContainsKey(exists);
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

    private static string Key(string key, string part) =>
        key.Length is > 0 and <= 317 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? key
            : throw Bad(part, $"'{key}' is not a valid label key");

    private static ArgumentException Bad(string part, string reason) => new($"{reason} in \"{part}\"");
}
