using System.Diagnostics;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// Real <c>git daemon</c> on loopback serving bare repositories under a temporary folder, which tests change
/// through working clones and pushes.
/// </summary>
internal sealed class GitDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int _port;

    private GitDaemon(string root, int port)
    {
        Root = root;
        _port = port;
        _process = Process.Start(new ProcessStartInfo("git",
            ["daemon", "--export-all", "--reuseaddr", $"--base-path={root}", "--listen=127.0.0.1", $"--port={port}", root])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
    }

    public string Root { get; }

    public string Url(string name) => $"git://127.0.0.1:{_port}/{name}.git";

    public static async Task<GitDaemon> StartAsync()
    {
        var daemon = new GitDaemon(Directory.CreateTempSubdirectory("plural-e2e-git-").FullName, FreePort.Next());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", daemon._port);
                return daemon;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !daemon._process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Creates <c>{name}.git</c> with one commit of <paramref name="files"/>.</summary>
    public string Create(string name, IReadOnlyDictionary<string, string> files)
    {
        Git(Root, "init", "--quiet", "--bare", "-b", "main", $"{name}.git");
        var work = WorkOf(name);
        Directory.CreateDirectory(work);
        Git(work, "init", "--quiet", "-b", "main");
        Git(work, "remote", "add", "origin", Path.Combine(Root, $"{name}.git"));
        return Commit(name, files);
    }

    /// <summary>Writes files, removes <paramref name="remove"/>, commits and pushes; returns the commit.</summary>
    public string Commit(string name, IReadOnlyDictionary<string, string> files, params string[] remove)
    {
        var work = WorkOf(name);
        foreach (var path in remove)
        {
            File.Delete(Path.Combine(work, path));
        }

        foreach (var (path, content) in files)
        {
            var full = Path.Combine(work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Git(work, "add", "-A");
        Git(work, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "--quiet", "-m", "change");
        Git(work, "push", "--quiet", "origin", "main");
        return Git(work, "rev-parse", "HEAD").Trim();
    }

    private string WorkOf(string name) => Path.Combine(Root, ".work", name);

    private static string Git(string directory, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("git", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
