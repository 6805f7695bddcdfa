using YamlDotNet.RepresentationModel;

namespace Plural.Cli.Kubeconfigs;

/// <summary>
/// A kubeconfig file edited in place: entries are added or replaced by name and everything else (other clusters,
/// contexts, users, preferences, the current context unless asked) is kept as it was.
/// </summary>
public sealed class KubeconfigFile
{
    private readonly YamlMappingNode _root;

    private KubeconfigFile(YamlMappingNode root) => _root = root;

    /// <summary><c>--kubeconfig</c>, else the first file of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    /// <summary>Reads a kubeconfig; an absent or empty file is an empty one.</summary>
    /// <exception cref="CliException">The file is not a kubeconfig.</exception>
    public static KubeconfigFile Read(string path) => File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty();

    /// <summary>Parses kubeconfig text; <paramref name="source"/> names it in errors.</summary>
    public static KubeconfigFile Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CliException(ExitCodes.Failed, $"{source}: not a kubeconfig ({ex.Message})");
        }

        return stream.Documents.Count == 0 ? Empty()
            : stream.Documents[0].RootNode as YamlMappingNode is { } root ? new KubeconfigFile(root)
            : throw new CliException(ExitCodes.Failed, $"{source}: not a kubeconfig (its top level is not a mapping)");
    }

    /// <summary>The one context of a kubeconfig the gateway issued, as an entry named <paramref name="name"/>.</summary>
    public KubeconfigEntry Single(string name, string user)
    {
        var cluster = (YamlMappingNode)((YamlMappingNode)Items("clusters").Single())["cluster"];
        var credentials = (YamlMappingNode)((YamlMappingNode)Items("users").Single())["user"];
        return new KubeconfigEntry(name, Scalar(cluster, "server")!, Scalar(cluster, "certificate-authority-data"), user, Scalar(credentials, "token")!);
    }

    /// <summary>Adds or replaces the entry's cluster, user and context; makes it current when <paramref name="use"/>.</summary>
    public void Put(KubeconfigEntry entry, bool use)
    {
        var cluster = new YamlMappingNode { { "server", entry.Server } };
        if (entry.CertificateAuthorityData is { } ca)
        {
            cluster.Add("certificate-authority-data", ca);
        }

        Upsert("clusters", entry.Name, "cluster", cluster);
        Upsert("users", entry.UserEntry, "user", new YamlMappingNode { { "token", entry.Token } });
        Upsert("contexts", entry.Name, "context", new YamlMappingNode { { "cluster", entry.Name }, { "user", entry.UserEntry } });
        if (use || Scalar(_root, "current-context") is null or "")
        {
            _root.Children[new YamlScalarNode("current-context")] = new YamlScalarNode(entry.Name);
        }
    }

    /// <summary>Writes the file, readable by its owner only (it holds tokens).</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using (var writer = new StreamWriter(path))
        {
            new YamlStream(new YamlDocument(_root)).Save(writer, assignAnchors: false);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static KubeconfigFile Empty() => new(new YamlMappingNode { { "apiVersion", "v1" }, { "kind", "Config" } });

    private IEnumerable<YamlNode> Items(string section) =>
        _root.Children.TryGetValue(new YamlScalarNode(section), out var node) && node is YamlSequenceNode list ? list.Children : [];

    private void Upsert(string section, string name, string field, YamlMappingNode value)
    {
        if (!_root.Children.TryGetValue(new YamlScalarNode(section), out var node) || node is not YamlSequenceNode list)
        {
            list = [];
            _root.Children[new YamlScalarNode(section)] = list;
        }

        var entry = new YamlMappingNode { { "name", name }, { field, value } };
        var at = list.Children.ToList().FindIndex(n => n is YamlMappingNode m && Scalar(m, "name") == name);
        if (at >= 0)
        {
            list.Children[at] = entry;
        }
        else
        {
            list.Add(entry);
        }
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
