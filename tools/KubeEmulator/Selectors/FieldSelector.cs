using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Selectors;

/// <summary>
/// A field selector (=, ==, != over the fields each kind supports). Unsupported fields are a 400
/// <c>field label not supported</c>, as on the real server.
/// </summary>
internal sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private readonly IReadOnlyList<(string[] Path, string Value, bool Negated)> _terms;

    private FieldSelector(IReadOnlyList<(string[] Path, string Value, bool Negated)> terms) => _terms = terms;

    /// <summary>The name this selector pins, when it is exactly <c>metadata.name=x</c> (kubectl wait and delete use that).</summary>
    public string? ExactName => _terms.Count == 1 && !_terms[0].Negated && _terms[0].Path is ["metadata", "name"] ? _terms[0].Value : null;

    public bool Matches(JsonObject o) => _terms.All(t => (ValueOf(o, t.Path) == t.Value) != t.Negated);

    public static FieldSelector Parse(string? text, ResourceKind kind)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<(string[], string, bool)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (field, value, negated) = Split(raw);
            if (field != "metadata.name" && field != "metadata.namespace" && !kind.FieldSelectors.Contains(field))
                throw Errors.BadRequest($"field label not supported: {field}");
            terms.Add((field.Split('.'), value, negated));
        }
        return new FieldSelector(terms);
    }

    private static (string Field, string Value, bool Negated) Split(string term)
    {
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0) return (term[..at].Trim(), term[(at + op.Length)..].Trim(), op == "!=");
        }
        throw Errors.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
    }

    private static string ValueOf(JsonObject o, string[] path)
    {
        var node = o.At(path);
        if (node is JsonValue v)
        {
            if (v.TryGetValue<bool>(out var b)) return b ? "true" : "false";
            return v.ToString();
        }
        // Unset fields compare as their zero value; metadata.namespace of cluster objects is "".
        return path is ["spec", "unschedulable"] ? "false" : "";
    }
}
