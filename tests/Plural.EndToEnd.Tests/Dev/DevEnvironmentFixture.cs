using System.Diagnostics;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Dev;

/// <summary>One <c>dev</c> process (silo, gateway, emulator, agent) in a scratch directory, shared by a test class.</summary>
public sealed class DevEnvironmentFixture : IAsyncLifetime
{
    public string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("plural-dev-").FullName;

    public string StateDirectory => Path.Combine(WorkingDirectory, ".plural-dev");

    internal ProductProcess Dev { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dev = ProductProcess.Start("Silo",
        [
            "dev",
            "--Gateway:AgentListenUrl=https://127.0.0.1:0",
            "--Gateway:ApiListenUrl=https://127.0.0.1:0",
            "--Gateway:HttpListenUrl=https://127.0.0.1:0",
            "--Gateway:OperationsListenUrl=https://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
        ], workingDirectory: WorkingDirectory);
        await Dev.WaitForOutputAsync("Plural dev environment ready", PlatformFixture.StartTimeout);
    }

    public async Task DisposeAsync()
    {
        await Dev.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }

    /// <summary>Runs kubectl with the dev kubeconfig; returns its exit code, stdout and stderr.</summary>
    public Task<(int ExitCode, string Output, string Error)> KubectlAsync(params string[] args) => RunKubectlAsync("kubeconfig", args);

    /// <summary>Runs kubectl straight against the emulator (no tunnel) and fails the test unless it succeeds.</summary>
    public async Task<string> KubectlOkDirectAsync(params string[] args)
    {
        var (code, output, error) = await RunKubectlAsync("kubeconfig-direct", args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} failed: {error}");
        return output;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunKubectlAsync(string kubeconfig, string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = WorkingDirectory,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Path.Combine(StateDirectory, kubeconfig));
        info.ArgumentList.Add("--request-timeout=20s");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs kubectl and fails the test unless it succeeds.</summary>
    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var (code, output, error) = await KubectlAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} failed: {error}\n{Dev.Output}");
        return output;
    }
}
