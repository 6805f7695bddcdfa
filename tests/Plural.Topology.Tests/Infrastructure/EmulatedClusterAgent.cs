using k8s;
using Microsoft.Extensions.Hosting;
using Plural.Testing.Kubernetes;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// One agent with its informer cache on, watching an in-process KubeEmulator (the emulator's default objects: two
/// nodes and a few workloads), so that it sends views and events up its session like an agent in a real cluster.
/// </summary>
internal sealed class EmulatedClusterAgent : IAsyncDisposable
{
    private readonly EmulatedCluster _cluster;
    private IHost? _agent;

    private EmulatedClusterAgent(string name, EmulatedCluster cluster)
    {
        Name = name;
        _cluster = cluster;
    }

    public string Name { get; }

    /// <summary>The cluster's admin client, to make the changes the agent reports.</summary>
    public IKubernetes Admin => _cluster.Admin;

    public static async Task<EmulatedClusterAgent> StartAsync(string name, string token, Uri gateway)
    {
        var cluster = await EmulatedCluster.StartAsync(options => options.Empty = false);
        var agent = new EmulatedClusterAgent(name, cluster);
        agent._agent = AgentFleet.BuildAgent(name, token, gateway, cluster.Server.Url, new Dictionary<string, string?>
        {
            ["Agent:Upstream:BearerTokenFile"] = cluster.TokenFile,
            ["Agent:Upstream:CaFile"] = cluster.CaFile,
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
        await _cluster.DisposeAsync();
    }
}
