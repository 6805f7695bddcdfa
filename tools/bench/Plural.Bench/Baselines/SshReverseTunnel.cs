using System.Globalization;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

/// <summary>
/// The generic-tunnel baseline: Debian's OpenSSH <c>sshd</c> on a high loopback port with a throwaway
/// host key, and an <c>ssh -R</c> client (the "agent") that forwards a port on the sshd side to the
/// upstream. Both run as the current user; keys and configuration live in the scenario's scratch folder.
/// </summary>
public static class SshReverseTunnel
{
    /// <summary>Starts sshd and the reverse forward; null (with a logged reason) when OpenSSH cannot be had.</summary>
    public static async Task<Route?> StartAsync(ScenarioContext context, Upstream upstream, CancellationToken ct)
    {
        var sshd = await SystemPackages.EnsureAsync("sshd", "openssh-server", context.Log, ct);
        var ssh = SystemPackages.Find("ssh");
        var keygen = SystemPackages.Find("ssh-keygen");
        if (sshd is null || ssh is null || keygen is null)
        {
            return null;
        }

        var dir = Path.Combine(context.ScratchDirectory, "ssh");
        Directory.CreateDirectory(dir);
        await KeygenAsync(context, keygen, Path.Combine(dir, "host_key"), ct);
        await KeygenAsync(context, keygen, Path.Combine(dir, "client_key"), ct);
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"), overwrite: true);
        if (Environment.UserName == "root" && !Directory.Exists("/run/sshd"))
        {
            // sshd refuses to start as root without its privilege-separation folder.
            Directory.CreateDirectory("/run/sshd");
        }

        var sshdPort = FreePort.Next();
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllLinesAsync(config,
        [
            $"Port {sshdPort}",
            "ListenAddress 127.0.0.1",
            $"HostKey {Path.Combine(dir, "host_key")}",
            $"PidFile {Path.Combine(dir, "sshd.pid")}",
            $"AuthorizedKeysFile {Path.Combine(dir, "authorized_keys")}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "AllowTcpForwarding yes",
            "GatewayPorts no",
            "LogLevel ERROR",
        ], ct);
        var daemon = context.Children.Start("sshd", sshd, ["-D", "-e", "-f", config]);
        await PortProbe.WaitListeningAsync(sshdPort, daemon, TimeSpan.FromSeconds(20), ct);

        var forwardPort = FreePort.Next();
        var client = context.Children.Start("ssh -R", ssh,
        [
            "-N", "-F", "/dev/null",
            "-i", Path.Combine(dir, "client_key"),
            "-p", sshdPort.ToString(CultureInfo.InvariantCulture),
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes",
            "-o", "ExitOnForwardFailure=yes",
            "-o", "LogLevel=ERROR",
            "-R", $"127.0.0.1:{forwardPort}:127.0.0.1:{upstream.Port}",
            $"{Environment.UserName}@127.0.0.1",
        ]);
        // The forwarded port is opened by sshd once the client has authenticated.
        await PortProbe.WaitListeningAsync(forwardPort, client, TimeSpan.FromSeconds(20), ct);
        context.Log($"ssh -R up: sshd :{sshdPort}, forward :{forwardPort} -> upstream :{upstream.Port}");
        return new Route("ssh -R", $"http://127.0.0.1:{forwardPort}", null, [daemon, client]);
    }

    private static async Task KeygenAsync(ScenarioContext context, string keygen, string path, CancellationToken ct)
    {
        File.Delete(path);
        File.Delete(path + ".pub");
        var process = context.Children.Start("ssh-keygen", keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "plural-bench", "-f", path]);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(20));
        while (!process.HasExited)
        {
            await Task.Delay(20, bounded.Token);
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"ssh-keygen did not write {path}: {process.Output}");
        }
    }
}
