using System.Security.Cryptography;
using System.Text;

namespace Plural.Grains.Git;

/// <summary>
/// The silo-local clone of one repository ref (<see cref="RepositoryKey"/>): fetched into when the poller sees a new
/// commit, read from when a configuration asks for files at a commit.
/// </summary>
internal sealed class RepositoryCache(string key, GitClient git, GitMetrics metrics, GitOptions options)
{
    /// <summary>Successful fetches into this cache since the poller activated.</summary>
    public long Fetches { get; private set; }

    private string Directory => Path.Combine(options.ResolvedCacheDirectory,
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]);

    /// <summary>Fetches <paramref name="refName"/> of <paramref name="url"/>, counting the outcome.</summary>
    public async Task FetchAsync(string url, string refName, CancellationToken ct)
    {
        try
        {
            await git.FetchAsync(Directory, url, refName, ct);
        }
        catch (RepositoryUnavailableException)
        {
            metrics.RecordFetch(succeeded: false);
            throw;
        }

        Fetches++;
        metrics.RecordFetch(succeeded: true);
    }

    /// <summary>
    /// The files matching <paramref name="patterns"/> at <paramref name="commit"/>, fetching first when the commit is
    /// not here; <paramref name="refName"/> is the full ref last resolved, if any.
    /// </summary>
    /// <exception cref="RepositoryUnavailableException">The remote cannot be reached or no longer has the commit.</exception>
    public async Task<RepositoryFileSet> ReadFilesAsync(string commit, string? refName, IReadOnlyList<string> patterns, RepositoryReadLimits limits)
    {
        var directory = Directory;
        if (!await Task.Run(() => GitClient.HasCommit(directory, commit)))
        {
            // The cache is per silo: after the poller moved, the first read fetches again.
            var (url, gitRef) = RepositoryKey.Parse(key);
            refName ??= (await git.ResolveRemoteAsync(url, gitRef, CancellationToken.None)).RefName;
            await FetchAsync(url, refName, CancellationToken.None);
            if (!await Task.Run(() => GitClient.HasCommit(directory, commit)))
            {
                throw new RepositoryUnavailableException($"commit {commit} is no longer on {refName} of {GitClient.Redact(url)}");
            }
        }

        return await Task.Run(() => GitClient.ReadFiles(directory, commit, patterns, limits));
    }
}
