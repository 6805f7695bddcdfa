namespace Plural.Testing.Git;

/// <summary>
/// A Git repository in a temporary folder that silos on this machine poll through its local path or its
/// <c>file://</c> URL (as the dev mode polls its own); tests commit to it directly. Deleted on dispose.
/// </summary>
public sealed class LocalGitRepository : IDisposable
{
    private LocalGitRepository(string path)
    {
        Path = path;
    }

    /// <summary>The working tree.</summary>
    public string Path { get; }

    public string Url => new Uri(Path).AbsoluteUri;

    /// <summary>The last commit on <c>main</c>.</summary>
    public string Head { get; private set; } = "";

    /// <summary>A repository whose <c>main</c> holds <paramref name="files"/> in one commit.</summary>
    public static LocalGitRepository Create(IReadOnlyDictionary<string, string> files)
    {
        var repository = new LocalGitRepository(Directory.CreateTempSubdirectory("plural-git-").FullName);
        GitCommand.Run(repository.Path, "init", "--quiet", "-b", "main");
        repository.Commit(files);
        return repository;
    }

    /// <inheritdoc cref="Create"/>
    public static Task<LocalGitRepository> CreateAsync(IReadOnlyDictionary<string, string> files) => Task.Run(() => Create(files));

    /// <summary>Writes <paramref name="files"/>, removes <paramref name="remove"/> and commits on <c>main</c>; returns the commit.</summary>
    public string Commit(IReadOnlyDictionary<string, string> files, params string[] remove)
    {
        GitCommand.Stage(Path, remove.Select(file => new KeyValuePair<string, string?>(file, null))
            .Concat(files.Select(file => new KeyValuePair<string, string?>(file.Key, file.Value))));
        Head = GitCommand.Commit(Path, "change");
        return Head;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder does no harm.
        }
    }
}
