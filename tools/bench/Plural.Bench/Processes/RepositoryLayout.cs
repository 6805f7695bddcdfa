namespace Plural.Bench.Processes;

/// <summary>Where the repository and the product's built programs are, for the configuration the bench was built in.</summary>
public sealed class RepositoryLayout
{
    private RepositoryLayout(string root, string configuration)
    {
        Root = root;
        Configuration = configuration;
    }

    /// <summary>The folder holding <c>Plural.Orleans.sln</c>.</summary>
    public string Root { get; }

    /// <summary>Release or Debug, read off the bench's own output path.</summary>
    public string Configuration { get; }

    /// <summary>The bench's own entry assembly, for starting helper processes of the same build.</summary>
    public string BenchAssembly { get; } = typeof(RepositoryLayout).Assembly.Location;

    /// <summary>Finds the repository above the running bench.</summary>
    public static RepositoryLayout Discover()
    {
        var baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plural.Orleans.sln")))
            {
                return new RepositoryLayout(dir.FullName, new DirectoryInfo(baseDir).Parent!.Name);
            }
        }

        throw new InvalidOperationException("Plural.Orleans.sln not found above " + baseDir);
    }

    /// <summary>The built program of a product folder (<c>Silo</c>, <c>Gateway</c>, <c>AgentK</c>).</summary>
    public string ProgramPath(string folder)
    {
        var path = Path.Combine(Root, folder, "bin", Configuration, "net10.0", $"Plural.{folder}.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the bench with -c {Configuration} (it builds the product too)");
    }
}
