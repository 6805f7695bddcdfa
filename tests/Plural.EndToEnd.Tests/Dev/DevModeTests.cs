using System.Diagnostics;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Dev;

/// <summary>The one-command demo, driven the way a newcomer uses it: start it, then run kubectl.</summary>
public sealed class DevModeTests : IAsyncLifetime
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("plural-dev-").FullName;
    private ProductProcess _dev = null!;

    public async Task InitializeAsync()
    {
        _dev = ProductProcess.Start("Silo",
        [
            "dev",
            "--Gateway:AgentListenUrl=http://127.0.0.1:0",
            "--Gateway:ApiListenUrl=http://127.0.0.1:0",
            "--Gateway:HttpListenUrl=https://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
        ], workingDirectory: _workingDirectory);
        await _dev.WaitForOutputAsync("Plural dev environment ready", PlatformFixture.StartTimeout);
    }

    public async Task DisposeAsync()
    {
        await _dev.DisposeAsync();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task Dev_mode_writes_the_admin_token_and_a_kubeconfig_that_reaches_the_cluster_through_the_tunnel()
    {
        var state = Path.Combine(_workingDirectory, ".plural-dev");
        Assert.True(File.Exists(Path.Combine(state, "admin-token")));
        var kubeconfig = await File.ReadAllTextAsync(Path.Combine(state, "kubeconfig"));
        Assert.Contains("/agents/dev/proxy", kubeconfig);

        var nodes = await KubectlAsync("get", "nodes", "-o", "name");
        var pods = await KubectlAsync("get", "pods", "-A");

        Assert.Contains("node/", nodes);
        Assert.Contains("Running", pods);
    }

    private async Task<string> KubectlAsync(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workingDirectory,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Path.Combine(_workingDirectory, ".plural-dev", "kubeconfig"));
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
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {await error}\n{_dev.Output}");
        return await output;
    }
}
