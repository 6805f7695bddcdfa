namespace Plural.AgentK.Cache;

/// <summary>
/// What the cache keeps of one object: identity, labels and the few fields of its kind that views and queries
/// use, keyed by their Kubernetes field path (<c>status.phase</c>). Everything else is dropped at once.
/// </summary>
internal sealed record CachedObject(
    string Kind,
    string Namespace,
    string Name,
    string ResourceVersion,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Fields,
    DateTimeOffset? CreatedAt,
    string Summary)
{
    public static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>
    /// About how much memory the object takes in the cache: its strings (two bytes a character) and a fixed cost per
    /// object and per entry. What byte budgets count.
    /// </summary>
    public long EstimatedBytes => 160 + 2L * (Kind.Length + Namespace.Length + Name.Length + ResourceVersion.Length + Summary.Length)
        + Labels.Sum(l => 48 + 2L * (l.Key.Length + l.Value.Length)) + Fields.Sum(f => 48 + 2L * (f.Key.Length + f.Value.Length));

    /// <summary><c>namespace/name</c>, or the name for cluster-scoped kinds.</summary>
    public string Key => Namespace.Length == 0 ? Name : Namespace + "/" + Name;

    /// <summary>A kept field, or null.</summary>
    public string? Field(string path) => Fields.GetValueOrDefault(path);

    /// <summary>A kept integer field, or <paramref name="fallback"/>.</summary>
    public int IntField(string path, int fallback = 0) =>
        Fields.TryGetValue(path, out var value) && int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : fallback;
}
