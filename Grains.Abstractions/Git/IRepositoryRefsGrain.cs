namespace Plural.Grains.Git;

/// <summary>
/// The refs polled for one repository URL (keyed by <see cref="RepositoryKey.NormalizeUrl"/>), so that a push
/// notification that names only the repository reaches every poller of it.
/// </summary>
[Alias("plural.git.IRepositoryRefsGrain")]
public interface IRepositoryRefsGrain : IGrainWithStringKey
{
    /// <summary>Records that a poller polls <paramref name="gitRef"/> of this repository.</summary>
    [Alias("Add")]
    Task Add(string gitRef);

    /// <summary>Forgets a ref nobody polls any more.</summary>
    [Alias("Remove")]
    Task Remove(string gitRef);

    /// <summary>The polled refs.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List();
}
