using System.Text;
using System.Text.RegularExpressions;

namespace Plural.Grains.Git;

/// <summary>
/// A path glob: <c>*</c> matches within one path segment, <c>**</c> any number of segments, <c>?</c> one character.
/// A pattern without wildcards matches that exact path.
/// </summary>
public sealed class GlobPattern
{
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/>; a leading <c>/</c> or <c>./</c> is ignored.</summary>
    public GlobPattern(string pattern)
    {
        Pattern = pattern.StartsWith("./", StringComparison.Ordinal) ? pattern[2..] : pattern.TrimStart('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < Pattern.Length; i++)
        {
            var c = Pattern[i];
            if (c == '*' && i + 1 < Pattern.Length && Pattern[i + 1] == '*')
            {
                var slashAfter = i + 2 < Pattern.Length && Pattern[i + 2] == '/';
                regex.Append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The pattern as compiled.</summary>
    public string Pattern { get; }

    /// <summary>True when <paramref name="path"/> (relative, with <c>/</c>) matches.</summary>
    public bool Matches(string path) => _regex.IsMatch(path);
}
