namespace Plural.AgentK.Cache.Queries;

/// <summary>A field selector on the fields the cache keeps: comma-separated <c>path=value</c>, <c>path==value</c>, <c>path!=value</c>.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Path, string Value, bool Negate)> _requirements;

    private FieldSelector(List<(string Path, string Value, bool Negate)> requirements) => _requirements = requirements;

    public bool Matches(CachedObject item) => _requirements.All(r => (ValueOf(item, r.Path) == r.Value) != r.Negate);

    /// <summary>Parses a selector for <paramref name="kind"/>; throws <see cref="QueryException"/> naming the bad part.</summary>
    public static FieldSelector Parse(string? text, ResourceKind kind)
    {
        var requirements = new List<(string, string, bool)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FieldSelector(requirements);
        }

        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var (at, length, negate) = part.IndexOf("!=", StringComparison.Ordinal) is >= 0 and var ne ? (ne, 2, true)
                : part.IndexOf("==", StringComparison.Ordinal) is >= 0 and var eq ? (eq, 2, false)
                : (part.IndexOf('='), 1, false);
            if (at <= 0)
            {
                throw QueryException.BadRequest($"field_selector: \"{part}\" is not of the form path=value or path!=value");
            }

            var path = part[..at].Trim();
            if (!kind.Fields.Contains(path, StringComparer.Ordinal))
            {
                throw QueryException.BadRequest(
                    $"field_selector: the cache keeps no field \"{path}\" for {kind.Plural}; it keeps {string.Join(", ", kind.Fields)}");
            }

            requirements.Add((path, part[(at + length)..].Trim(), negate));
        }

        return new FieldSelector(requirements);
    }

    private static string ValueOf(CachedObject item, string path) => path switch
    {
        FieldPaths.Name => item.Name,
        FieldPaths.Namespace => item.Namespace,
        _ => item.Field(path) ?? "",
    };
}
