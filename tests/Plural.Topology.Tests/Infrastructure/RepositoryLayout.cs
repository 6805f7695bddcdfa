namespace Plural.Topology.Tests.Infrastructure;

/// <summary>Where the product's built programs and deployment files are.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug, read off the test assembly's own output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ProgramPath(string folder) =>
        Path.Combine(Root, folder, "bin", Configuration, "net10.0", $"Plural.{folder}.dll");

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
