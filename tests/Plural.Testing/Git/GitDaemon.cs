using System.Diagnostics;
using Plural.Testing.Processes;

namespace Plural.Testing.Git;

/// <summary>
/// Real <c>git daemon</c> on loopback serving the bare repositories of a <see cref="GitRemote"/>, which tests change
/// through working clones and pushes. Killed, and its repositories deleted, on dispose.
/// </summary>
public sealed class GitDaemon : IAsyncDisposable
{
    private readonly GitRemote _remote;
    private readonly Process _process;
    private readonly int _port;

    private GitDaemon(GitRemote remote, int port)
    {
        _remote = remote;
        _port = port;
        _process = Process.Start(new ProcessStartInfo("git",
            ["daemon", "--export-all", "--reuseaddr", $"--base-path={remote.Root}", "--listen=127.0.0.1", $"--port={port}", remote.Root])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
    }

    public string Root => _remote.Root;

    public string Url(string name) => $"git://127.0.0.1:{_port}/{name}.git";

    public static async Task<GitDaemon> StartAsync()
    {
        var daemon = new GitDaemon(new GitRemote(), FreePort.Next());
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

    /// <inheritdoc cref="GitRemote.Create"/>
    public string Create(string name, IReadOnlyDictionary<string, string> files) => _remote.Create(name, files);

    /// <inheritdoc cref="GitRemote.Commit"/>
    public string Commit(string name, IReadOnlyDictionary<string, string> files, params string[] remove) =>
        _remote.Commit(name, files, remove);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _remote.Dispose();
    }
}
