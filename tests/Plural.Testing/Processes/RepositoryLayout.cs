namespace Plural.Testing.Processes;

/// <summary>Where the repository and the product's built programs are, for the configuration the caller was built in.</summary>
public static class RepositoryLayout
{
    /// <summary>The folder holding <c>Plural.Orleans.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug, read off the running assembly's own output path (<c>bin/{Configuration}/net10.0</c>).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The built program of a product folder (<c>Silo</c>, <c>Gateway</c>, <c>AgentK</c>, <c>tools/KubeEmulator</c>).</summary>
    public static string ProgramPath(string folder)
    {
        var path = Path.Combine(Root, folder, "bin", Configuration, "net10.0", $"Plural.{Path.GetFileName(folder)}.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution with -c {Configuration} (it builds the product too)");
    }

    /// <summary>The node ActionCable client the cable tests drive.</summary>
    public static string CableClient => Path.Combine(Root, "tests", "cable-client");

    /// <summary>Where tests leave files for a person to look at (screenshots, traces); created on first use.</summary>
    public static string Artifacts => Directory.CreateDirectory(Path.Combine(Root, "tests", "artifacts")).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plural.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Plural.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
