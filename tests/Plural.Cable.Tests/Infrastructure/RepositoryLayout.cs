namespace Plural.Cable.Tests.Infrastructure;

/// <summary>Where the product's built programs and the node client are, for the configuration the tests were built in.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug, read off the test assembly's own output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ProgramPath(string folder) =>
        Path.Combine(Root, folder, "bin", Configuration, "net10.0", $"Plural.{folder}.dll");

    public static string CableClient => Path.Combine(Root, "tests", "cable-client");

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
