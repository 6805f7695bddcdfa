using Plural.Testing.Architecture;

namespace Plural.Gateway.Tests.Architecture;

/// <summary>
/// Gateway's rooms point one way: the composition (<c>Hosting/</c>) uses every room and no room uses it, and the
/// rooms' dependencies form a DAG (docs/design.md, "Where things live", draws it).
/// </summary>
public sealed class GatewayRoomsTests
{
    private static readonly Lazy<RoomGraph> Rooms = new(() => RoomGraph.Read(Path.Combine(RepositoryLayout.Root, "Gateway"), "Plural.Gateway"));

    [Fact]
    public void Gateway_rooms_depend_on_each_other_in_one_direction()
    {
        var pairs = Rooms.Value.TwoWayPairs();
        Assert.True(pairs.Count == 0, "Rooms that use each other:" + Environment.NewLine + string.Join(Environment.NewLine, pairs));
        var cycle = Rooms.Value.FindCycle();
        Assert.True(cycle is null, "Gateway's rooms form a cycle:" + Environment.NewLine + (cycle is null ? "" : Rooms.Value.Describe(cycle)));
    }

    [Fact]
    public void Nothing_imports_Hosting()
    {
        var users = Rooms.Value.UsersOf("Hosting");
        Assert.True(users.Count == 0, "Only the composition may know itself:" + Environment.NewLine + string.Join(Environment.NewLine, users));
    }

    [Fact]
    public void Gateway_namespaces_follow_folders()
    {
        Assert.Empty(Rooms.Value.Misplaced);
    }

    [Fact]
    public void Every_room_is_read()
    {
        // A checker that reads nothing passes everything: the composition must be seen using the rooms.
        var graph = Rooms.Value;
        Assert.True(graph.Uses.Count >= 10, "Rooms read: " + string.Join(", ", graph.Uses.Keys));
        Assert.Contains("Tunnels", graph.Uses["Hosting"].Keys);
        Assert.Contains("Listeners", graph.Uses["Tunnels"].Keys);
    }

    [Fact]
    public void A_cycle_is_named_with_the_files_behind_it()
    {
        var root = Directory.CreateTempSubdirectory("rooms-").FullName;
        try
        {
            Write(root, "A/One.cs", "using Plural.Sample.B;\nnamespace Plural.Sample.A;\nclass One { Two t; }");
            Write(root, "B/Two.cs", "namespace Plural.Sample.B;\nclass Two { C.Three t; }");
            Write(root, "C/Three.cs", "namespace Plural.Sample.C;\n/// <see cref=\"Plural.Sample.A.One\"/>\nclass Three { }");
            Write(root, "D/Four.cs", "namespace Plural.Sample.D;\n// uses Plural.Sample.A only in a comment\nclass Four { string s = \"Plural.Sample.A\"; }");
            var graph = RoomGraph.Read(root, "Plural.Sample");

            var cycle = graph.FindCycle()!;
            Assert.Equal(["A", "B", "C", "A"], cycle);
            Assert.Contains("C -> A: C/Three.cs", graph.Describe(cycle));
            Assert.Empty(graph.Uses["D"]);
            Assert.Empty(graph.TwoWayPairs());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Write(string root, string path, string text)
    {
        var file = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }
}
