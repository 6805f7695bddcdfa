using System.Text.RegularExpressions;

namespace Plural.Testing.Architecture;

/// <summary>
/// Which rooms (top-level folders) of a project use which others, read from the sources: a room uses another when one
/// of its files names the other's namespace (a using directive, a fully qualified name, a name qualified from the
/// project's namespace such as <c>Tunnels.X</c>, or a doc <c>cref</c>). Namespaces follow folders, so
/// <c>Plural.AgentK.Cache.Queries</c> belongs to <c>Cache</c>. Files at the project root form the room
/// <see cref="Root"/>; every namespace of the project sees the root namespace without a using directive, so a room
/// also uses the root when it names a type declared there. Comments and string literals say nothing.
/// </summary>
public sealed partial class RoomGraph
{
    /// <summary>The room made of the files at the project root.</summary>
    public const string Root = "(root)";

    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _uses;

    private RoomGraph(SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> uses, IReadOnlyList<string> misplaced)
    {
        _uses = uses;
        Misplaced = misplaced;
    }

    /// <summary>Each room with the rooms it uses (never itself) and, for each, the files that use it.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> Uses => _uses;

    /// <summary>Files whose namespace does not follow their folder, as <c>path: namespace</c>.</summary>
    public IReadOnlyList<string> Misplaced { get; }

    /// <summary>Reads the C# sources under <paramref name="projectFolder"/>, whose root namespace is <paramref name="rootNamespace"/>.</summary>
    public static RoomGraph Read(string projectFolder, string rootNamespace)
    {
        var files = Directory.EnumerateFiles(projectFolder, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(projectFolder, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Room: RoomOf(path), Text: File.ReadAllText(Path.Combine(projectFolder, path))))
            .ToList();

        var rooms = files.Select(f => f.Room).ToHashSet(StringComparer.Ordinal);
        var rootTypes = files.Where(f => f.Room == Root)
            .SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        var qualified = new Regex(@"\b" + Regex.Escape(rootNamespace) + @"(?:\.(?<name>[A-Z]\w*)|(?![.\w]))");
        var uses = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            uses[room] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        }

        var misplaced = new List<string>();
        foreach (var (path, room, text) in files)
        {
            if (FileScopedNamespace().Match(text) is { Success: true } declared && declared.Groups["name"].Value != NamespaceOf(rootNamespace, path))
            {
                misplaced.Add($"{path}: {declared.Groups["name"].Value}");
            }

            var code = WithoutCommentsAndStrings(text, out var crefs);
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match reference in qualified.Matches(code + "\n" + crefs))
            {
                // After the root namespace comes a room's namespace or a type declared at the root.
                var name = reference.Groups["name"].Value;
                used.Add(rooms.Contains(name) ? name : name.Length == 0 || rootTypes.Contains(name) ? Root : "");
            }

            // Inside the project's namespaces "Tunnels.X" means the room; in a top-level using directive it does not.
            foreach (Match reference in RoomQualifiedName().Matches(WithoutUsingDirectives(code) + "\n" + crefs))
            {
                used.Add(reference.Groups["room"].Value);
            }

            if (room != Root && rootTypes.Any(type => Regex.IsMatch(code + "\n" + crefs, $@"(?<![\w.])\b{Regex.Escape(type)}\b")))
            {
                used.Add(Root);
            }

            foreach (var other in used.Where(other => other != room && rooms.Contains(other)))
            {
                if (!uses[room].TryGetValue(other, out var users))
                {
                    uses[room][other] = users = new SortedSet<string>(StringComparer.Ordinal);
                }

                users.Add(path);
            }
        }

        return new RoomGraph(uses, misplaced);
    }

    /// <summary>A graph given by hand, to check the searches themselves.</summary>
    public static RoomGraph Of(params (string From, string To)[] edges)
    {
        var uses = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var room in edges.SelectMany(e => new[] { e.From, e.To }))
        {
            uses.TryAdd(room, new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal));
        }

        foreach (var (from, to) in edges)
        {
            uses[from][to] = new SortedSet<string>(StringComparer.Ordinal) { $"{from}/(given)" };
        }

        return new RoomGraph(uses, []);
    }

    /// <summary>Pairs of rooms that use each other, as "A &lt;-&gt; B (A uses B in ...; B uses A in ...)".</summary>
    public IReadOnlyList<string> TwoWayPairs() =>
        _uses.SelectMany(from => from.Value.Keys
                .Where(to => string.CompareOrdinal(from.Key, to) < 0 && _uses.TryGetValue(to, out var back) && back.ContainsKey(from.Key))
                .Select(to => $"{from.Key} <-> {to} ({from.Key} uses {to} in {string.Join(", ", _uses[from.Key][to])}; " +
                    $"{to} uses {from.Key} in {string.Join(", ", _uses[to][from.Key])})"))
            .ToList();

    /// <summary>A loop of rooms, its first room repeated at the end, or null when the rooms form a DAG.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in _uses.Keys)
        {
            if (Visit(start, finished, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>A loop as "A -> B -> A", then one line per step naming the files behind it.</summary>
    public string Describe(IReadOnlyList<string> cycle) =>
        string.Join(" -> ", cycle) + Environment.NewLine + string.Join(Environment.NewLine,
            cycle.Zip(cycle.Skip(1), (from, to) => $"  {from} -> {to}: {string.Join(", ", _uses[from][to])}"));

    /// <summary>Files of rooms other than <paramref name="room"/> that use it, as "file uses room".</summary>
    public IReadOnlyList<string> UsersOf(string room) =>
        _uses.Where(from => from.Key != room && from.Value.ContainsKey(room))
            .SelectMany(from => from.Value[room].Select(file => $"{file} uses {room}"))
            .ToList();

    /// <summary>One line per room: "Room -> Other, Other".</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, _uses.Select(room => $"{room.Key} -> {string.Join(", ", room.Value.Keys)}"));

    private List<string>? Visit(string room, HashSet<string> finished, List<string> path)
    {
        var onPath = path.IndexOf(room);
        if (onPath >= 0)
        {
            return [.. path.Skip(onPath), room];
        }

        if (finished.Contains(room))
        {
            return null;
        }

        path.Add(room);
        foreach (var used in _uses[room].Keys)
        {
            if (Visit(used, finished, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        finished.Add(room);
        return null;
    }

    private static string RoomOf(string path) => path.Contains('/') ? path[..path.IndexOf('/')] : Root;

    private static string NamespaceOf(string rootNamespace, string path)
    {
        var folders = Path.GetDirectoryName(path)!.Replace('\\', '/');
        return folders.Length == 0 ? rootNamespace : rootNamespace + "." + folders.Replace('/', '.');
    }

    // Comments and string literals say nothing about dependencies, except the types that XML doc crefs name.
    private static string WithoutCommentsAndStrings(string source, out string crefs)
    {
        crefs = string.Join("\n", CrefPattern().Matches(source).Select(m => m.Groups[1].Value));
        return CommentOrStringPattern().Replace(source, m => m.Value.StartsWith('/') ? (m.Value.StartsWith("//") ? "" : " ") : "\"\"");
    }

    private static string WithoutUsingDirectives(string code) => UsingDirectivePattern().Replace(code, "");

    [GeneratedRegex(@"(?<![\w.:])(?<room>[A-Z]\w*)\.[A-Z]")]
    private static partial Regex RoomQualifiedName();

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"\b(?:class|record|interface|enum|struct)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex("cref=\"([^\"]*)\"")]
    private static partial Regex CrefPattern();

    [GeneratedRegex("""//[^\n]*|/\*.*?\*/|@"(?:""|[^"])*"|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'""", RegexOptions.Singleline)]
    private static partial Regex CommentOrStringPattern();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?[\w.=\s]+;", RegexOptions.Multiline)]
    private static partial Regex UsingDirectivePattern();
}
