using System.Diagnostics;
using System.Text.RegularExpressions;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The standalone command line: port, kubeconfig, seeding, and a clean stop on SIGTERM.</summary>
public sealed partial class CommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Command_line_prints_its_url_writes_a_kubeconfig_and_stops_on_sigterm()
    {
        var directory = Directory.CreateTempSubdirectory("kube-emulator-cli-");
        var kubeconfig = Path.Combine(directory.FullName, "config");
        using var process = StartEmulator("--port", "0", "--kubeconfig", kubeconfig);
        try
        {
            var url = await ReadListeningUrlAsync(process);
            var kubectl = new Kubectl(kubeconfig, Path.Combine(directory.FullName, "cache"));
            var deployments = (await kubectl.RunAsync("get", "deployments", "-A", "-o", "name")).EnsureSuccess();

            Assert.Matches(@"^https://127\.0\.0\.1:\d+$", url);
            Assert.Contains($"server: {url}", await File.ReadAllTextAsync(kubeconfig));
            Assert.Contains("deployment.apps/web", deployments.Stdout);

            Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            using var exit = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Command_line_with_empty_starts_without_sample_workloads()
    {
        var directory = Directory.CreateTempSubdirectory("kube-emulator-cli-");
        var kubeconfig = Path.Combine(directory.FullName, "config");
        using var process = StartEmulator("--port", "0", "--kubeconfig", kubeconfig, "--empty");
        try
        {
            await ReadListeningUrlAsync(process);
            var kubectl = new Kubectl(kubeconfig, Path.Combine(directory.FullName, "cache"));

            var deployments = (await kubectl.RunAsync("get", "deployments", "-A", "-o", "name")).EnsureSuccess();
            var nodes = (await kubectl.RunAsync("get", "nodes", "-o", "name")).EnsureSuccess();

            Assert.Equal("", deployments.Stdout.Trim());
            Assert.Equal(["node/emulator-node-1", "node/emulator-node-2"], nodes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Command_line_with_rbac_false_lets_a_read_only_user_write()
    {
        var directory = Directory.CreateTempSubdirectory("kube-emulator-cli-");
        var kubeconfig = Path.Combine(directory.FullName, "config");
        using var process = StartEmulator("--port", "0", "--kubeconfig", kubeconfig, "--empty", "--rbac=false");
        try
        {
            await ReadListeningUrlAsync(process);
            var viewerConfig = Path.Combine(directory.FullName, "viewer-config");
            await File.WriteAllTextAsync(viewerConfig, (await File.ReadAllTextAsync(kubeconfig)).Replace(KubeEmulatorOptions.DefaultAdminToken, KubeEmulatorOptions.DefaultViewerToken));
            var viewer = new Kubectl(viewerConfig, Path.Combine(directory.FullName, "cache"));

            var whoami = (await viewer.RunAsync("auth", "whoami")).EnsureSuccess();
            var write = await viewer.RunAsync("create", "configmap", "written-by-viewer");

            Assert.Matches(@"Username\s+viewer", whoami.Stdout);
            Assert.Equal("configmap/written-by-viewer created", write.EnsureSuccess().Stdout.Trim());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Command_line_refuses_an_rbac_value_that_is_not_a_boolean()
    {
        using var process = StartEmulator("--rbac", "maybe");
        using var exit = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(exit.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error: unknown or incomplete argument \"--rbac\"", await process.StandardError.ReadToEndAsync());
    }

    private static Process StartEmulator(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Plural.KubeEmulator.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static async Task<string> ReadListeningUrlAsync(Process process)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            var match = ListeningLine().Match(line);
            if (match.Success) return match.Groups[1].Value;
        }
        throw new Xunit.Sdk.XunitException($"emulator exited without printing its URL: {await process.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"^KubeEmulator listening on (\S+)$")]
    private static partial Regex ListeningLine();
}
