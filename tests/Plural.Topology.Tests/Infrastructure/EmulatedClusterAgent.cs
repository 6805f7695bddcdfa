using Microsoft.Extensions.Hosting;
using Plural.KubeEmulator;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// One agent with its informer cache on, watching an in-process KubeEmulator (the emulator's default objects: two
/// nodes and a few workloads), so that it sends views and events up its session like an agent in a real cluster.
/// </summary>
internal sealed class EmulatedClusterAgent : IAsyncDisposable
{
    private readonly KubeEmulatorServer _emulator;
    private readonly DirectoryInfo _files;
    private IHost? _agent;

    private EmulatedClusterAgent(string name, KubeEmulatorServer emulator, DirectoryInfo files)
    {
        Name = name;
        _emulator = emulator;
        _files = files;
    }

    public string Name { get; }

    public static async Task<EmulatedClusterAgent> StartAsync(string name, string token, Uri gateway)
    {
        var emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Port = 0 });
        var files = Directory.CreateTempSubdirectory("topology-cluster-agent-");
        await File.WriteAllTextAsync(Path.Combine(files.FullName, "token"), emulator.AgentToken);
        await File.WriteAllTextAsync(Path.Combine(files.FullName, "ca.pem"), emulator.CertificateAuthorityPem);
        var agent = new EmulatedClusterAgent(name, emulator, files);
        agent._agent = AgentFleet.BuildAgent(name, token, gateway, emulator.Url, new Dictionary<string, string?>
        {
            ["Agent:Upstream:BearerTokenFile"] = Path.Combine(files.FullName, "token"),
            ["Agent:Upstream:CaFile"] = Path.Combine(files.FullName, "ca.pem"),
            ["Agent:Cache:Enabled"] = "true",
            ["Agent:Views:Debounce"] = "00:00:00.100",
            ["Agent:Events:BatchInterval"] = "00:00:00.050",
        });
        await agent._agent.StartAsync();
        return agent;
    }

    /// <summary>Stops the agent; the emulated cluster stays until disposal.</summary>
    public async Task StopAgentAsync()
    {
        if (_agent is null)
        {
            return;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _agent.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _agent.Dispose();
        _agent = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAgentAsync();
        await _emulator.DisposeAsync();
        _files.Delete(recursive: true);
    }
}
