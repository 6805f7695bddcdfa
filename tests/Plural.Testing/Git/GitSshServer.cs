using System.Net.Sockets;
using Plural.Testing.Processes;

namespace Plural.Testing.Git;

/// <summary>
/// A real OpenSSH <c>sshd</c> (Debian's <c>openssh-server</c>, which <c>test.sh</c> installs) on loopback, serving the
/// bare repositories of a <see cref="GitRemote"/> to one deploy key. It also hands out what the failure cases need: a
/// key it does not accept, and a <c>known_hosts</c> that pins another host key. Killed on dispose.
/// </summary>
public sealed class GitSshServer : IAsyncDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    private readonly GitRemote _remote;
    private readonly string _directory;
    private readonly int _port;
    private ProductProcess? _process;

    private GitSshServer(GitRemote remote, string directory, int port) => (_remote, _directory, _port) = (remote, directory, port);

    /// <summary>The deploy key the server accepts (mode 0644, as a mounted secret often is).</summary>
    public string DeployKey => Path.Combine(_directory, "deploy_key");

    /// <summary>A key the server does not accept.</summary>
    public string OtherKey => Path.Combine(_directory, "other_key");

    /// <summary>A <c>known_hosts</c> pinning the server's host key.</summary>
    public string KnownHosts => Path.Combine(_directory, "known_hosts");

    /// <summary>A <c>known_hosts</c> pinning another host key for the same address, as after a man in the middle.</summary>
    public string OtherKnownHosts => Path.Combine(_directory, "other_known_hosts");

    /// <summary>The <c>ssh://</c> prefix of every repository this server serves.</summary>
    public string UrlPrefix => $"ssh://{Environment.UserName}@127.0.0.1:{_port}{_remote.Root}/";

    /// <summary>The <c>ssh://</c> URL of a repository created in the remote.</summary>
    public string RepositoryUrl(string name) => $"{UrlPrefix}{name}.git";

    public static async Task<GitSshServer> StartAsync(GitRemote remote)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing; test.sh installs Debian's openssh-server package");
        }

        var server = new GitSshServer(remote, Directory.CreateTempSubdirectory("plural-sshd-").FullName, FreePort.Next());
        await server.StartAsync();
        return server;
    }

    private async Task StartAsync()
    {
        string Key(string name) => Path.Combine(_directory, name);
        foreach (var name in new[] { "host_key", "other_host_key", "deploy_key", "other_key" })
        {
            await ExternalTool.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", Key(name)]);
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(DeployKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Copy(Key("deploy_key.pub"), Key("authorized_keys"));
        string Pin(string hostKey) => $"[127.0.0.1]:{_port} {string.Join(' ', File.ReadAllText(Key(hostKey + ".pub")).Split(' ').Take(2))}\n";
        await File.WriteAllTextAsync(KnownHosts, Pin("host_key"));
        await File.WriteAllTextAsync(OtherKnownHosts, Pin("other_host_key"));
        await File.WriteAllTextAsync(Key("sshd_config"), $"""
            Port {_port}
            ListenAddress 127.0.0.1
            HostKey {Key("host_key")}
            AuthorizedKeysFile {Key("authorized_keys")}
            PidFile {Key("sshd.pid")}
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            AllowUsers {Environment.UserName}
            """);
        if (ExternalTool.IsRoot)
        {
            Directory.CreateDirectory("/run/sshd"); // sshd checks its privilege separation directory exists
        }

        _process = ProductProcess.StartProgram(Sshd, ["-D", "-e", "-f", Key("sshd_config")], "sshd", _directory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", _port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
