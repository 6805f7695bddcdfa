namespace Plural.Bench.GitPolling;

/// <summary>
/// The served repositories: one seed repository holding a small configuration for every agent, seen under many names
/// (symbolic links: the server does the same work per name, and a thousand names cost no disk), and a few real copies
/// with working clones that the bench pushes new commits to.
/// </summary>
public sealed class GitRepositories
{
    private readonly string _work;

    private GitRepositories(string root, string work)
    {
        Root = root;
        _work = work;
    }

    /// <summary>Folder the server serves.</summary>
    public string Root { get; }

    /// <summary>The configuration file each agent gets.</summary>
    public const string Config = "cache:\n  kinds: [pods]\n";

    /// <summary>
    /// Creates the seed with <c>.plural/agents/&lt;agent&gt;/config.yaml</c> for every agent, <paramref name="aliases"/> served
    /// as links to it and <paramref name="copies"/> as repositories of their own.
    /// </summary>
    public static GitRepositories Create(string scratch, IReadOnlyList<string> agents, IEnumerable<string> aliases, IEnumerable<string> copies)
    {
        var root = Directory.CreateDirectory(Path.Combine(scratch, "repos")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(scratch, "work")).FullName;
        var seedWork = Path.Combine(work, "seed");
        Directory.CreateDirectory(seedWork);
        GitCommand.Run(seedWork, "init", "--quiet", "-b", "main");
        foreach (var agent in agents)
        {
            var folder = Directory.CreateDirectory(Path.Combine(seedWork, ".plural", "agents", agent)).FullName;
            File.WriteAllText(Path.Combine(folder, "config.yaml"), Config);
        }

        GitCommand.Run(seedWork, "add", "-A");
        GitCommand.Commit(seedWork, "seed");
        GitCommand.Run(work, "clone", "--quiet", "--bare", seedWork, Path.Combine(root, "seed.git"));
        foreach (var alias in aliases)
        {
            File.CreateSymbolicLink(Path.Combine(root, $"{alias}.git"), Path.Combine(root, "seed.git"));
        }

        foreach (var copy in copies)
        {
            GitCommand.Run(work, "clone", "--quiet", "--bare", seedWork, Path.Combine(root, $"{copy}.git"));
            GitCommand.Run(work, "clone", "--quiet", Path.Combine(root, $"{copy}.git"), Path.Combine(work, copy));
        }

        return new GitRepositories(root, work);
    }

    /// <summary>The seed's commit.</summary>
    public string SeedCommit() => GitCommand.Run(Root, "--git-dir", Path.Combine(Root, "seed.git"), "rev-parse", "refs/heads/main").Trim();

    /// <summary>Commits a change of <paramref name="agent"/>'s configuration to copy <paramref name="copy"/> and pushes it; returns the commit.</summary>
    public string Push(string copy, string agent, int generation)
    {
        var clone = Path.Combine(_work, copy);
        File.WriteAllText(Path.Combine(clone, ".plural", "agents", agent, "config.yaml"),
            generation % 2 == 1 ? "cache:\n  kinds: [pods, services]\n" : Config);
        GitCommand.Commit(clone, $"change {generation}");
        GitCommand.Run(clone, "push", "--quiet", "origin", "main");
        return GitCommand.Run(clone, "rev-parse", "HEAD").Trim();
    }
}
