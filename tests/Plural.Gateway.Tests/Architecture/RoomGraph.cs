using System.Text.RegularExpressions;

namespace Plural.Gateway.Tests.Architecture;

/// <summary>
/// The rooms (top-level folders) of one project and which other rooms each one's source uses: <c>using</c> directives,
/// fully qualified names (<c>Plural.Gateway.Tunnels.X</c>) and names qualified from the project's namespace
/// (<c>Tunnels.X</c>). Namespaces follow folders, so a namespace's first segment after the prefix names its room.
/// </summary>
public sealed partial class RoomGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _uses = new(StringComparer.Ordinal);

    private RoomGraph()
    {
    }

    /// <summary>The rooms, each with the rooms it uses (never itself).</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> Uses => _uses;

    /// <summary>Reads every <c>.cs</c> file under <paramref name="root"/> whose namespaces start with <paramref name="namespacePrefix"/>.</summary>
    public static RoomGraph Read(string root, string namespacePrefix)
    {
        var graph = new RoomGraph();
        var rooms = Directory.GetDirectories(root)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(root, name!), "*.cs", SearchOption.AllDirectories).Any())
            .Select(name => name!)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            graph._uses[room] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        }

        var qualified = new Regex(Regex.Escape(namespacePrefix + ".") + @"(?<room>[A-Za-z_]\w*)");
        var relative = new Regex(@"(?<![\w.:])(?<room>[A-Z]\w*)\.[A-Z]");
        foreach (var room in rooms)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, room), "*.cs", SearchOption.AllDirectories))
            {
                var relativePath = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relativePath.Split('/').Any(part => part is "bin" or "obj"))
                {
                    continue;
                }

                var code = WithoutCommentsAndStrings(File.ReadAllText(file), out var crefs);
                var used = new HashSet<string>(StringComparer.Ordinal);
                foreach (Match match in qualified.Matches(code + "\n" + crefs))
                {
                    used.Add(match.Groups["room"].Value);
                }

                // Inside the project's namespaces, "Tunnels.X" means the room; in a top-level using directive it does not.
                foreach (Match match in relative.Matches(WithoutUsingDirectives(code) + "\n" + crefs))
                {
                    used.Add(match.Groups["room"].Value);
                }

                foreach (var other in used.Where(other => other != room && rooms.Contains(other)))
                {
                    if (!graph._uses[room].TryGetValue(other, out var files))
                    {
                        graph._uses[room][other] = files = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    files.Add(relativePath);
                }
            }
        }

        return graph;
    }

    /// <summary>Pairs of rooms that use each other, as "A &lt;-&gt; B (A uses B in ...; B uses A in ...)".</summary>
    public IReadOnlyList<string> TwoWayPairs() =>
        _uses.SelectMany(from => from.Value.Keys
                .Where(to => string.CompareOrdinal(from.Key, to) < 0 && _uses.TryGetValue(to, out var back) && back.ContainsKey(from.Key))
                .Select(to => $"{from.Key} <-> {to} ({from.Key} uses {to} in {string.Join(", ", _uses[from.Key][to])}; " +
                    $"{to} uses {from.Key} in {string.Join(", ", _uses[to][from.Key])})"))
            .ToList();

    /// <summary>A cycle of rooms as "A -> B -> C -> A" with the files behind each step, or null when the rooms form a DAG.</summary>
    public string? FindCycle()
    {
        var state = _uses.Keys.ToDictionary(room => room, _ => 0, StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in _uses.Keys)
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        string? Visit(string room)
        {
            if (state[room] == 2)
            {
                return null;
            }

            if (state[room] == 1)
            {
                var loop = path.Skip(path.IndexOf(room)).Append(room).ToList();
                return string.Join(" -> ", loop) + Environment.NewLine + string.Join(Environment.NewLine,
                    loop.Zip(loop.Skip(1), (from, to) => $"  {from} -> {to}: {string.Join(", ", _uses[from][to])}"));
            }

            state[room] = 1;
            path.Add(room);
            foreach (var next in _uses[room].Keys)
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[room] = 2;
            return null;
        }
    }

    /// <summary>Files of rooms other than <paramref name="room"/> that use it, as "file uses room".</summary>
    public IReadOnlyList<string> UsersOf(string room) =>
        _uses.Where(from => from.Key != room && from.Value.ContainsKey(room))
            .SelectMany(from => from.Value[room].Select(file => $"{file} uses {room}"))
            .ToList();

    /// <summary>One line per room: "Room -> Other, Other".</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, _uses.Select(room => $"{room.Key} -> {string.Join(", ", room.Value.Keys)}"));

    // Comments and string literals say nothing about dependencies, except the types that XML doc crefs name.
    private static string WithoutCommentsAndStrings(string source, out string crefs)
    {
        crefs = string.Join("\n", CrefPattern().Matches(source).Select(m => m.Groups[1].Value));
        return CommentOrStringPattern().Replace(source, m => m.Value.StartsWith('/') ? (m.Value.StartsWith("//") ? "" : " ") : "\"\"");
    }

    private static string WithoutUsingDirectives(string code) => UsingDirectivePattern().Replace(code, "");

    [GeneratedRegex("cref=\"([^\"]*)\"")]
    private static partial Regex CrefPattern();

    [GeneratedRegex("""//[^\n]*|/\*.*?\*/|@"(?:""|[^"])*"|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'""", RegexOptions.Singleline)]
    private static partial Regex CommentOrStringPattern();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?[\w.=\s]+;", RegexOptions.Multiline)]
    private static partial Regex UsingDirectivePattern();
}
