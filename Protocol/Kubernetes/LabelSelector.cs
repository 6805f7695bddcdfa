namespace Plural.Protocol.Kubernetes;

/// <summary>
/// A Kubernetes label selector: requirements that must all hold. Parses the query syntax of the API server's
/// <c>labelSelector</c> parameter: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>,
/// <c>k</c> (exists), <c>!k</c> (does not exist), <c>k&gt;n</c> and <c>k&lt;n</c>, separated by commas.
/// </summary>
/// <remarks>
/// This file depends on the BCL only and declares no accessibility: the emulator, which references no project of
/// ours, compiles it in as an internal type, and <c>Plural.Protocol</c> makes it public in <c>PublicTypes.cs</c>.
/// </remarks>
sealed partial class LabelSelector
{
    private readonly LabelRequirement[] _requirements;

    /// <summary>A selector of the given requirements; none selects everything.</summary>
    public LabelSelector(IEnumerable<LabelRequirement> requirements) => _requirements = [.. requirements];

    /// <summary>The selector that selects everything.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>The requirements, in the order written.</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>True when the selector has no requirement and so selects everything.</summary>
    public bool IsEmpty => _requirements.Length == 0;

    /// <summary>True when every requirement holds for <paramref name="labels"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    /// <summary>
    /// Parses <paramref name="text"/>; empty or blank selects everything. Throws <see cref="FormatException"/>
    /// whose message names what was expected, where, and the selector.
    /// </summary>
    public static LabelSelector Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Everything : new LabelSelector(new LabelSelectorParser(text).Requirements());

    /// <summary>The selector as the API server would write it back.</summary>
    public override string ToString() => string.Join(",", _requirements.Select(r => r.ToString()));
}
