using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Parameter expansion of shell words: <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-default}</c>,
/// <c>${NAME-default}</c>, <c>${#NAME}</c> and the special parameters; quoting decides what expands.
/// </summary>
internal static partial class ShellExpansion
{
/// <summary>Expands a word; null when an unquoted word expands to nothing and so is no word at all.</summary>
public static string? Expand(IReadOnlyList<ShellWordPart> parts, ShellVariables state)
{
    var text = new StringBuilder();
    foreach (var part in parts) text.Append(part.Literal ? part.Text : ExpandParameters(part.Text, state));
    return text.Length == 0 && !parts.Any(p => p.Quoted) ? null : text.ToString();
}

private static string ExpandParameters(string text, ShellVariables state)
{
    var result = new StringBuilder();
    for (var i = 0; i < text.Length; i++)
    {
        if (text[i] != '$' || i + 1 == text.Length)
        {
            result.Append(text[i]);
            continue;
        }
        var next = text[i + 1];
        if (next == '{')
        {
            var close = text.IndexOf('}', i + 2);
            if (close < 0) throw new ShellExpansionException("Syntax error: Missing '}'");
            result.Append(Braced(text[(i + 2)..close], state));
            i = close;
        }
        else if (Special(next, state) is { } special)
        {
            result.Append(special);
            i++;
        }
        else if (char.IsAsciiLetter(next) || next == '_')
        {
            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
            result.Append(state.Get(text[(i + 1)..end]) ?? "");
            i = end - 1;
        }
        else
        {
            result.Append('$');
        }
    }
    return result.ToString();
}

private static string Braced(string inner, ShellVariables state)
{
    if (inner.Length == 1 && Special(inner[0], state) is { } special) return special;
    var match = BracedPattern().Match(inner);
    if (!match.Success) throw new ShellExpansionException("Bad substitution");
    var name = match.Groups[2].Value;
    var value = name.All(char.IsAsciiDigit) ? state.Positional.ElementAtOrDefault(int.Parse(name, CultureInfo.InvariantCulture) - 1) : state.Get(name);
    if (match.Groups[1].Success) return (value?.Length ?? 0).ToString(CultureInfo.InvariantCulture);
    return match.Groups[3].Value switch
    {
        ":-" => string.IsNullOrEmpty(value) ? match.Groups[4].Value : value,
        "-" => value ?? match.Groups[4].Value,
        "" => value ?? "",
        _ => throw new ShellExpansionException("Bad substitution"),
    };
}

private static string? Special(char name, ShellVariables state) => name switch
{
    '?' => state.Status.ToString(CultureInfo.InvariantCulture),
    '$' => "1",
    '!' => "",
    '#' => state.Positional.Count.ToString(CultureInfo.InvariantCulture),
    '@' or '*' => string.Join(' ', state.Positional),
    '-' => (state.ErrExit ? "e" : "") + (state.XTrace ? "x" : ""),
    '0' => state.Arg0,
    >= '1' and <= '9' => state.Positional.ElementAtOrDefault(name - '1') ?? "",
    _ => null,
};

[GeneratedRegex("^(#)?([A-Za-z_][A-Za-z0-9_]*|[0-9]+)(:-|-)?(.*)$", RegexOptions.Singleline)]
private static partial Regex BracedPattern();
}
