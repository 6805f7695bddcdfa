using System.Text;
using LibGit2Sharp;
using LibGit2Sharp.Handlers;
using Microsoft.Extensions.Options;

namespace Plural.Grains.Git;

/// <summary>
/// The Git operations pollers need, through libgit2: a remote-ref check (one request), a fetch into a bare cache
/// repository, and reading files at a commit from that cache. Blocking; callers run it off the grain scheduler.
/// <c>ssh://</c> remotes are reached through the <c>git</c> command line instead (<see cref="SshGitRemote"/>).
/// </summary>
public sealed class GitClient(IOptions<GitOptions> options)
{
    // libgit2 blocks a thread per network operation; bounding them keeps a silo with thousands of pollers from
    // starving its thread pool (and a Git server from seeing a thundering herd).
    private readonly SemaphoreSlim _gate = new(options.Value.MaxConcurrentOperations);
    private readonly SshGitRemote _ssh = new(options.Value);

    /// <summary>The full ref name and commit the remote has for <paramref name="gitRef"/> (a branch or tag name).</summary>
    public Task<(string RefName, string Commit)> ResolveRemoteAsync(string url, string gitRef, CancellationToken ct) =>
        SshGitRemote.IsSsh(url)
            ? GatedAsync(() => _ssh.ResolveRemoteAsync(url, gitRef, ct), ct)
            : GatedAsync(() => Task.FromResult(ResolveRemote(url, gitRef)), ct);

    /// <summary>Fetches <paramref name="refName"/> into the bare repository at <paramref name="cacheDirectory"/>.</summary>
    public Task FetchAsync(string cacheDirectory, string url, string refName, CancellationToken ct) =>
        GatedAsync(async () =>
        {
            EnsureCache(cacheDirectory);
            if (SshGitRemote.IsSsh(url))
            {
                await _ssh.FetchAsync(cacheDirectory, url, refName, ct);
            }
            else
            {
                Fetch(cacheDirectory, url, refName, ct);
            }

            return true;
        }, ct);

    private async Task<T> GatedAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await Task.Run(operation, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (string RefName, string Commit) ResolveRemote(string url, string gitRef)
    {
        IEnumerable<Reference> references;
        try
        {
            references = Credentials(url) is { } credentials
                ? Repository.ListRemoteReferences(url, credentials)
                : Repository.ListRemoteReferences(url);
            references = references.ToList();
        }
        catch (LibGit2SharpException ex)
        {
            throw new RepositoryUnavailableException($"cannot list the refs of {Redact(url)}: {Redact(ex.Message)}");
        }

        foreach (var candidate in new[] { $"refs/heads/{gitRef}", $"refs/tags/{gitRef}", gitRef })
        {
            var match = references.FirstOrDefault(r => r.CanonicalName == candidate);
            if (match is DirectReference { TargetIdentifier: { } target })
            {
                return (match.CanonicalName, target);
            }
        }

        throw new RepositoryUnavailableException($"{Redact(url)} has no branch or tag '{gitRef}'");
    }

    private static void EnsureCache(string cacheDirectory)
    {
        if (!Repository.IsValid(cacheDirectory))
        {
            Directory.CreateDirectory(cacheDirectory);
            Repository.Init(cacheDirectory, isBare: true);
        }
    }

    private void Fetch(string cacheDirectory, string url, string refName, CancellationToken ct)
    {
        using var repository = new Repository(cacheDirectory);
        var fetch = new FetchOptions
        {
            TagFetchMode = TagFetchMode.None,
            OnTransferProgress = _ => !ct.IsCancellationRequested,
            CredentialsProvider = Credentials(url),
        };
        try
        {
            // libgit2 fetches from named remotes only; the cache folder belongs to one URL, so "origin" is always it.
            if (repository.Network.Remotes["origin"] is null)
            {
                repository.Network.Remotes.Add("origin", url);
            }

            Commands.Fetch(repository, "origin", [$"+{refName}:refs/plural/polled"], fetch, logMessage: null);
        }
        catch (LibGit2SharpException ex)
        {
            throw new RepositoryUnavailableException($"cannot fetch {refName} of {Redact(url)}: {Redact(ex.Message)}");
        }
    }

    /// <summary>True when the cache at <paramref name="cacheDirectory"/> has <paramref name="commit"/>.</summary>
    public static bool HasCommit(string cacheDirectory, string commit)
    {
        if (!Repository.IsValid(cacheDirectory))
        {
            return false;
        }

        using var repository = new Repository(cacheDirectory);
        return repository.Lookup<Commit>(commit) is not null;
    }

    /// <summary>Files at <paramref name="commit"/> matching any pattern, within <paramref name="limits"/>.</summary>
    public static RepositoryFileSet ReadFiles(string cacheDirectory, string commit, IReadOnlyList<string> patterns, RepositoryReadLimits limits)
    {
        using var repository = new Repository(cacheDirectory);
        var root = repository.Lookup<Commit>(commit)?.Tree
            ?? throw new RepositoryUnavailableException($"commit {commit} is not in the cache");
        var globs = patterns.Select(p => new GlobPattern(p)).ToList();
        var matches = new List<(string Path, Blob Blob)>();
        Collect(root, "", globs, matches);
        matches.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var errors = new List<string>();
        if (matches.Count > limits.MaxFiles)
        {
            errors.Add($"{matches.Count} files match, more than the limit of {limits.MaxFiles} files (the first over it: {matches[limits.MaxFiles].Path}); nothing was read");
            return new RepositoryFileSet(commit, [], errors);
        }

        var files = new List<RepositoryFile>();
        long total = 0;
        foreach (var (path, blob) in matches)
        {
            if (blob.Size > limits.MaxFileBytes)
            {
                errors.Add($"{path}: {blob.Size} bytes, more than the limit of {limits.MaxFileBytes} bytes per file; skipped");
                continue;
            }

            total += blob.Size;
            if (total > limits.MaxTotalBytes)
            {
                errors.Add($"{path}: brings the matching files to {total} bytes, more than the limit of {limits.MaxTotalBytes} bytes in total; nothing was read");
                return new RepositoryFileSet(commit, [], errors);
            }

            if (blob.IsBinary)
            {
                errors.Add($"{path}: binary file; skipped");
                continue;
            }

            files.Add(new RepositoryFile(path, blob.GetContentText(Encoding.UTF8)));
        }

        return new RepositoryFileSet(commit, files, errors);
    }

    /// <summary>A URL with any user information replaced, safe to log.</summary>
    public static string Redact(string text)
    {
        // "https://user:secret@host/..." must never reach a log or a status.
        return System.Text.RegularExpressions.Regex.Replace(text, @"://[^/@\s]+@", "://***@");
    }

    private static void Collect(Tree tree, string prefix, List<GlobPattern> globs, List<(string, Blob)> matches)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.TargetType == TreeEntryTargetType.Tree)
            {
                Collect((Tree)entry.Target, path + "/", globs, matches);
            }
            else if (entry.TargetType == TreeEntryTargetType.Blob && globs.Any(g => g.Matches(path)))
            {
                matches.Add((path, (Blob)entry.Target));
            }
        }
    }

    private CredentialsHandler? Credentials(string url)
    {
        var credential = options.Value.Credentials
            .Where(c => url.StartsWith(c.UrlPrefix, StringComparison.OrdinalIgnoreCase))
            .MaxBy(c => c.UrlPrefix.Length);
        return credential is null
            ? null
            : (_, _, _) => new UsernamePasswordCredentials { Username = credential.Username, Password = credential.Password };
    }
}
