using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Plural.Grains.Git;

/// <summary>
/// Git over SSH through the <c>git</c> command line, with <c>GIT_SSH_COMMAND</c> naming the remote's deploy key and
/// pinned host keys. libgit2 1.8 as LibGit2Sharp 0.32 ships it reaches SSH only by running <c>ssh</c> itself, with the
/// command taken from the process-wide <c>GIT_SSH</c> or a repository's <c>core.sshCommand</c> (neither works for a
/// ref check, which has no repository, nor per remote without racing other fetches), and without reading
/// <c>ssh</c>'s error output, so a wrong key or an unknown host would surface as a bare "early EOF". Running
/// <c>git</c> gives each operation its own key and <c>known_hosts</c> and a reason a user can act on.
/// See docs/design.md, "Git over SSH".
/// </summary>
internal sealed class SshGitRemote(GitOptions options)
{
    /// <summary>The only SSH form accepted; scp-like <c>git@host:path</c> must be written <c>ssh://git@host/path</c>.</summary>
    public const string Scheme = "ssh://";

    /// <summary>True when <paramref name="url"/> is reached over SSH.</summary>
    public static bool IsSsh(string url) => url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The full ref name and commit the remote has for <paramref name="gitRef"/> (a branch or tag name).</summary>
    public async Task<(string RefName, string Commit)> ResolveRemoteAsync(string url, string gitRef, CancellationToken ct)
    {
        var what = $"cannot list the refs of {GitClient.Redact(url)}";
        var output = await RunAsync(url, ["ls-remote", "--", url, gitRef], what, ct);
        var references = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        foreach (var candidate in new[] { $"refs/heads/{gitRef}", $"refs/tags/{gitRef}", gitRef })
        {
            if (references.TryGetValue(candidate, out var commit))
            {
                return (candidate, commit);
            }
        }

        throw new RepositoryUnavailableException($"{GitClient.Redact(url)} has no branch or tag '{gitRef}'");
    }

    /// <summary>Fetches <paramref name="refName"/> into the bare repository at <paramref name="cacheDirectory"/>.</summary>
    public Task FetchAsync(string cacheDirectory, string url, string refName, CancellationToken ct) =>
        RunAsync(url, ["--git-dir", cacheDirectory, "fetch", "--no-tags", "--quiet", "--", url, $"+{refName}:refs/plural/polled"],
            $"cannot fetch {refName} of {GitClient.Redact(url)}", ct);

    private async Task<string> RunAsync(string url, IReadOnlyList<string> arguments, string what, CancellationToken ct)
    {
        var key = options.SshKeys.Where(k => url.StartsWith(k.UrlPrefix, StringComparison.OrdinalIgnoreCase)).MaxBy(k => k.UrlPrefix.Length)
            ?? throw new RepositoryUnavailableException($"{what}: no deploy key is configured for it (Git:SshKeys, matched by URL prefix)");
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_SSH_COMMAND"] = SshCommand(key);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["LC_ALL"] = "C"; // ssh's and git's messages are matched below

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.SshTimeout);
        using var process = Process.Start(start) ?? throw new RepositoryUnavailableException($"{what}: git could not be started");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new RepositoryUnavailableException($"{what}: no answer within {options.SshTimeout.TotalSeconds:0} s");
        }

        return process.ExitCode == 0 ? await output : throw new RepositoryUnavailableException($"{what}: {Reason(await errors, key)}");
    }

    // ssh says why in its own words; these two are the ones an operator fixes in the configuration.
    private static string Reason(string errors, GitSshKey key)
    {
        if (errors.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            return $"the server's host key is not one pinned in {key.KnownHostsFile} (Host key verification failed)";
        }

        if (errors.Contains("Permission denied (publickey", StringComparison.Ordinal))
        {
            return $"the server refused the deploy key {key.PrivateKeyFile} (Permission denied (publickey))";
        }

        var last = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return GitClient.Redact(last ?? "git failed without saying why");
    }

    private string SshCommand(GitSshKey key)
    {
        // The command line is run by a shell: paths are single-quoted, so a quote in one would end the quoting.
        var identity = PrivateCopyOf(key.PrivateKeyFile);
        foreach (var path in new[] { identity, key.KnownHostsFile })
        {
            if (path.Contains('\'', StringComparison.Ordinal))
            {
                throw new RepositoryUnavailableException($"the SSH file path {path} contains a single quote, which Git:SshKeys does not accept");
            }
        }

        // No user or system ssh configuration, no agent, no other identity, no prompt, and only the pinned host keys.
        return $"ssh -F /dev/null -i '{identity}' -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes " +
            $"-o StrictHostKeyChecking=yes -o UserKnownHostsFile='{key.KnownHostsFile}' -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=20";
    }

    // ssh ignores a key others may read; a mounted secret often is (0644), so such a key is used from a private copy.
    private string PrivateCopyOf(string keyFile)
    {
        if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(keyFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0)
        {
            return keyFile;
        }

        var folder = Path.Combine(options.ResolvedCacheDirectory, "ssh-keys");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var copy = Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keyFile)))[..16]);
        var bytes = File.ReadAllBytes(keyFile);
        if (!File.Exists(copy) || !File.ReadAllBytes(copy).AsSpan().SequenceEqual(bytes))
        {
            using var stream = new FileStream(copy, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(bytes);
        }

        return copy;
    }
}
