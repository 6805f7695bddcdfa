namespace Plural.Testing.Git;

/// <summary>
/// Bare repositories under a temporary folder (what a Git server serves), changed through working clones with the
/// real <c>git</c>, as a platform team pushes. Deleted on dispose.
/// </summary>
public sealed class GitRemote : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("plural-git-remote-").FullName;

    private string Work => Path.Combine(Root, ".work");

    /// <summary>The bare repository of <paramref name="name"/> on disk.</summary>
    public string PathOf(string name) => Path.Combine(Root, $"{name}.git");

    /// <summary>Creates <c>{name}.git</c> with one commit holding <paramref name="files"/>; returns that commit.</summary>
    public string Create(string name, IReadOnlyDictionary<string, string> files)
    {
        GitCommand.Run(Root, "init", "--quiet", "--bare", "-b", "main", $"{name}.git");
        var work = Path.Combine(Work, name);
        Directory.CreateDirectory(work);
        GitCommand.Run(work, "init", "--quiet", "-b", "main");
        GitCommand.Run(work, "remote", "add", "origin", PathOf(name));
        return Commit(name, files);
    }

    /// <summary>A second name for an existing repository (a symlink), to have many URLs without many copies.</summary>
    public void Alias(string name, string alias) =>
        File.CreateSymbolicLink(PathOf(alias), PathOf(name));

    /// <summary>Writes (or, with a null content, deletes) files, commits and pushes; returns the new commit.</summary>
    public string Change(string name, IReadOnlyDictionary<string, string?> files)
    {
        var work = Path.Combine(Work, name);
        GitCommand.Stage(work, files);
        var commit = GitCommand.Commit(work, "change");
        GitCommand.Run(work, "push", "--quiet", "origin", "main");
        return commit;
    }

    /// <summary>Writes files, removes <paramref name="remove"/>, commits and pushes; returns the new commit.</summary>
    public string Commit(string name, IReadOnlyDictionary<string, string> files, params string[] remove) =>
        Change(name, remove.Select(file => new KeyValuePair<string, string?>(file, null))
            .Concat(files.Select(file => new KeyValuePair<string, string?>(file.Key, file.Value)))
            .ToDictionary());

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder does no harm.
        }
    }
}
