namespace Plural.AgentK.Tests.Architecture;

/// <summary>
/// The rooms of the agent point one way: a feature folder uses lower folders (<c>Transport</c>, <c>Session</c>, ...)
/// and none of them uses it back, and only the composition root (<c>Program</c>, <c>AddAgentK</c>) uses every folder.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly FolderGraph AgentK = FolderGraph.Read(AgentKSources(), "Plural.AgentK");

    [Fact]
    public void AgentK_folders_depend_on_each_other_in_one_direction()
    {
        var cycle = AgentK.FindCycle();

        Assert.True(cycle is null,
            $"AgentK folders use each other in a loop: {string.Join(" -> ", cycle ?? [])}{Environment.NewLine}{AgentK}");
    }

    [Fact]
    public void No_AgentK_folder_uses_the_composition_root()
    {
        var users = AgentK.Uses.Where(p => p.Value.Contains(FolderGraph.Root)).Select(p => p.Key).ToList();

        Assert.True(users.Count == 0, $"these folders use the composition root: {string.Join(", ", users)}");
    }

    [Fact]
    public void AgentK_namespaces_follow_folders()
    {
        Assert.Empty(AgentK.Misplaced);
    }

    [Fact]
    public void The_composition_root_uses_the_features()
    {
        // Guards the scan itself: a graph that found no edges would pass every test above.
        Assert.Superset(new HashSet<string> { "Cache", "Connection", "GitOps", "Transport", "Tunnels" }, AgentK.Uses[FolderGraph.Root].ToHashSet());
        Assert.Contains("Transport", AgentK.Uses["Tunnels"]);
    }

    [Fact]
    public void A_loop_is_named_from_its_first_folder_back_to_it()
    {
        var graph = FolderGraph.Of(("Connection", "Session"), ("Session", "Transport"), ("Transport", "Connection"), ("Tunnels", "Transport"));

        Assert.Equal(["Connection", "Session", "Transport", "Connection"], graph.FindCycle());
        Assert.Null(FolderGraph.Of(("Connection", "Session"), ("Connection", "Transport"), ("Session", "Transport")).FindCycle());
    }

    private static string AgentKSources()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var sources = Path.Combine(folder.FullName, "AgentK");
            if (File.Exists(Path.Combine(sources, "Plural.AgentK.csproj")))
            {
                return sources;
            }
        }

        throw new InvalidOperationException("AgentK/Plural.AgentK.csproj not found above " + AppContext.BaseDirectory);
    }
}
