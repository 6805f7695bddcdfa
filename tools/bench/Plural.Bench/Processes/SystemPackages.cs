using System.Diagnostics;

namespace Plural.Bench.Processes;

/// <summary>
/// Installs the Debian packages the baselines need (openssh-server, nghttp2-proxy, wrk) when their
/// programs are missing. Safe to call again: present programs are never reinstalled.
/// </summary>
public static class SystemPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _updated;

    /// <summary>The path of <paramref name="program"/>, installing <paramref name="package"/> first if needed; null when that failed.</summary>
    public static async Task<string?> EnsureAsync(string program, string package, Action<string> log, CancellationToken ct)
    {
        if (Find(program) is { } found)
        {
            return found;
        }

        await Gate.WaitAsync(ct);
        try
        {
            if (Find(program) is { } raced)
            {
                return raced;
            }

            log($"{program} is missing: installing the Debian package {package}");
            if (!await AptAsync(["install", "-y", "-qq", "--no-install-recommends", package], ct) && !_updated)
            {
                _updated = await AptAsync(["update", "-qq"], ct);
                await AptAsync(["install", "-y", "-qq", "--no-install-recommends", package], ct);
            }

            var installed = Find(program);
            log(installed is null ? $"could not install {package}; its baseline is skipped" : $"installed {package}");
            return installed;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The full path of a program on PATH or in the sbin folders (sshd lives there), or null.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    private static async Task<bool> AptAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var root = Environment.UserName == "root";
        if (!root && Find("sudo") is null)
        {
            return false;
        }

        var info = new ProcessStartInfo(root ? "apt-get" : "sudo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (!root)
        {
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add("apt-get");
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(info)!;
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
            await process.WaitForExitAsync(ct);
            await drain;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
