using System.Text.RegularExpressions;

namespace Plural.AgentK.Tests.Architecture;

/// <summary>
/// Which top-level folders of a project's sources use which others, read from the sources themselves: a folder uses
/// another when one of its files names the other's namespace (a using directive or a fully qualified name). Namespaces
/// follow folders, so <c>Plural.AgentK.Cache.Queries</c> belongs to <c>Cache</c>. Files at the project root form the
/// folder <see cref="Root"/>; since every namespace of the project sees the root namespace without a using directive,
/// a folder also uses the root when it names a type declared there.
/// </summary>
internal sealed partial class FolderGraph
{
    /// <summary>The name of the folder made of the files at the project root.</summary>
    public const string Root = "(root)";

    private FolderGraph(IReadOnlyDictionary<string, IReadOnlySet<string>> uses, IReadOnlyList<string> misplaced)
    {
        Uses = uses;
        Misplaced = misplaced;
    }

    /// <summary>Each folder and the other folders it uses.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Uses { get; }

    /// <summary>Files whose namespace does not follow their folder, as <c>path: namespace</c>.</summary>
    public IReadOnlyList<string> Misplaced { get; }

    /// <summary>Reads the C# sources under <paramref name="projectFolder"/>, whose root namespace is <paramref name="rootNamespace"/>.</summary>
    public static FolderGraph Read(string projectFolder, string rootNamespace)
    {
        var files = Directory.EnumerateFiles(projectFolder, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(projectFolder, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (Path: path, Folder: FolderOf(path), Text: File.ReadAllText(Path.Combine(projectFolder, path))))
            .ToList();

        var folders = files.Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);
        var rootTypes = files.Where(f => f.Folder == Root)
            .SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        var namespaceReference = new Regex(@"\b" + Regex.Escape(rootNamespace) + @"(?:\.(?<name>[A-Z]\w*)|(?![.\w]))");
        var uses = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var misplaced = new List<string>();
        foreach (var (path, folder, text) in files)
        {
            var used = uses.TryGetValue(folder, out var set) ? set : uses[folder] = new SortedSet<string>(StringComparer.Ordinal);
            if (FileScopedNamespace().Match(text) is { Success: true } declared && declared.Groups["name"].Value != NamespaceOf(rootNamespace, path))
            {
                misplaced.Add($"{path}: {declared.Groups["name"].Value}");
            }

            foreach (Match reference in namespaceReference.Matches(text))
            {
                // After the root namespace comes a folder's namespace or a type declared at the root.
                var name = reference.Groups["name"].Value;
                var target = folders.Contains(name) ? name : name.Length == 0 || rootTypes.Contains(name) ? Root : null;
                if (target is not null && target != folder)
                {
                    used.Add(target);
                }
            }

            if (folder != Root && rootTypes.Any(type => Regex.IsMatch(text, $@"\b{Regex.Escape(type)}\b")))
            {
                used.Add(Root);
            }
        }

        return new FolderGraph(
            uses.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal),
            misplaced);
    }

    /// <summary>A graph given by hand, to check the cycle search itself.</summary>
    public static FolderGraph Of(params (string From, string To)[] edges) => new(
        edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToDictionary(
            folder => folder,
            folder => (IReadOnlySet<string>)edges.Where(e => e.From == folder).Select(e => e.To).ToHashSet(),
            StringComparer.Ordinal),
        []);

    /// <summary>A loop of folders, first folder repeated at the end, or null when the folders use each other in one direction.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in Uses.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start, finished, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>One line per folder: <c>Folder -> Used, Used</c>.</summary>
    public override string ToString() => string.Join(Environment.NewLine,
        Uses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} -> {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));

    private List<string>? Visit(string folder, HashSet<string> finished, List<string> path)
    {
        var onPath = path.IndexOf(folder);
        if (onPath >= 0)
        {
            return [.. path.Skip(onPath), folder];
        }

        if (finished.Contains(folder))
        {
            return null;
        }

        path.Add(folder);
        foreach (var used in Uses.GetValueOrDefault(folder, new HashSet<string>()).Order(StringComparer.Ordinal))
        {
            if (Visit(used, finished, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        finished.Add(folder);
        return null;
    }

    private static string FolderOf(string path) => path.Contains('/') ? path[..path.IndexOf('/')] : Root;

    private static string NamespaceOf(string rootNamespace, string path)
    {
        var folders = Path.GetDirectoryName(path)!.Replace('\\', '/');
        return folders.Length == 0 ? rootNamespace : rootNamespace + "." + folders.Replace('/', '.');
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"\b(?:class|record|interface|enum|struct)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
