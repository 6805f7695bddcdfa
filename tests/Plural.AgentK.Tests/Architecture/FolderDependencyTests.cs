using Plural.Testing.Architecture;

namespace Plural.AgentK.Tests.Architecture;

/// <summary>
/// The rooms of the agent point one way: a feature folder uses lower folders (<c>Transport</c>, <c>Session</c>, ...)
/// and none of them uses it back, and only the composition root (<c>Program</c>, <c>AddAgentK</c>) uses every folder.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly Lazy<RoomGraph> AgentK = new(() => RoomGraph.Read(Path.Combine(RepositoryLayout.Root, "AgentK"), "Plural.AgentK"));

    [Fact]
    public void AgentK_folders_depend_on_each_other_in_one_direction()
    {
        var cycle = AgentK.Value.FindCycle();

        Assert.True(cycle is null, $"AgentK folders use each other in a loop: {(cycle is null ? "" : AgentK.Value.Describe(cycle))}{Environment.NewLine}{AgentK.Value}");
    }

    [Fact]
    public void No_AgentK_folder_uses_the_composition_root()
    {
        var users = AgentK.Value.UsersOf(RoomGraph.Root);

        Assert.True(users.Count == 0, "the composition root is used by:" + Environment.NewLine + string.Join(Environment.NewLine, users));
    }

    [Fact]
    public void AgentK_namespaces_follow_folders()
    {
        Assert.Empty(AgentK.Value.Misplaced);
    }

    [Fact]
    public void The_composition_root_uses_the_features()
    {
        // Guards the scan itself: a graph that found no edges would pass every test above.
        Assert.Superset(new HashSet<string> { "Cache", "Connection", "GitOps", "Transport", "Tunnels" }, AgentK.Value.Uses[RoomGraph.Root].Keys.ToHashSet());
        Assert.Contains("Transport", AgentK.Value.Uses["Tunnels"].Keys);
    }

    [Fact]
    public void A_loop_is_named_from_its_first_folder_back_to_it()
    {
        var graph = RoomGraph.Of(("Connection", "Session"), ("Session", "Transport"), ("Transport", "Connection"), ("Tunnels", "Transport"));

        Assert.Equal(["Connection", "Session", "Transport", "Connection"], graph.FindCycle());
        Assert.Null(RoomGraph.Of(("Connection", "Session"), ("Connection", "Transport"), ("Session", "Transport")).FindCycle());
    }
}
