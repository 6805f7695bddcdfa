using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Plural.Gateway.Access;

/// <summary>
/// Named admin credentials, kept as SHA-256 hashes only. The file format (<c>Gateway:AdminTokensFile</c>) is one
/// credential per line, <c>&lt;name&gt; sha256:&lt;64 hex digits&gt;</c>; blank lines and lines starting with <c>#</c>
/// are ignored. Several lines may be valid at once, which is how a credential is rotated with overlap.
/// </summary>
internal sealed partial class AdminTokenHashes
{
    private const string Prefix = "sha256:";

    private AdminTokenHashes(IReadOnlyList<(string Name, byte[] Hash)> entries) => Entries = entries;

    /// <summary>No credential: nothing is accepted.</summary>
    public static AdminTokenHashes None { get; } = new([]);

    /// <summary>The credentials, by name.</summary>
    public IReadOnlyList<(string Name, byte[] Hash)> Entries { get; }

    /// <summary>One credential given in plain form (<c>Gateway:AdminToken</c> or its file), under <paramref name="name"/>.</summary>
    public static AdminTokenHashes Single(string name, string token) =>
        token.Trim().Length == 0 ? None : new([(name, Hash(token.Trim()))]);

    /// <summary>Parses the file format; throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static AdminTokenHashes Parse(string content)
    {
        var entries = new List<(string, byte[])>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = LinePattern().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"line {i + 1}: expected \"<name> {Prefix}<64 hex digits>\"");
            }

            var name = match.Groups["name"].Value;
            if (!names.Add(name))
            {
                throw new FormatException($"line {i + 1}: the name {name} is used twice");
            }

            entries.Add((name, Convert.FromHexString(match.Groups["hash"].Value)));
        }

        return new AdminTokenHashes(entries);
    }

    /// <summary>The SHA-256 of a token as stored.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The line that stores <paramref name="token"/> under <paramref name="name"/>.</summary>
    public static string Line(string name, string token) => $"{name} {Prefix}{Convert.ToHexStringLower(Hash(token))}";

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._@-]{0,63})\s+sha256:(?<hash>[0-9A-Fa-f]{64})$")]
    private static partial Regex LinePattern();
}
