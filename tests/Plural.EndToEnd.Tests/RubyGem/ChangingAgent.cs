using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.MainApp;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.RubyGem;

/// <summary>
/// An agent registered with the label <c>suite=rubygem</c>, connected to an emulated cluster whose deployment
/// <c>shop/web</c> is scaled every half second, so that watches of its cluster events always have something to see.
/// </summary>
internal sealed class ChangingAgent : IAsyncDisposable
{
    private readonly EmulatedCluster _cluster;
    private readonly AgentProcess _agent;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _changes;

    private ChangingAgent(string name, EmulatedCluster cluster, AgentProcess agent)
    {
        Name = name;
        _cluster = cluster;
        _agent = agent;
        _changes = KeepScalingAsync(_stop.Token);
    }

    public string Name { get; }

    /// <summary>The agent's cluster, for tests that make a change of their own and look for its event.</summary>
    public EmulatedCluster Cluster => _cluster;

    /// <summary>
    /// Starts the agent and returns once its first cluster view reached the platform: a connected agent is not yet
    /// one whose informers listed, and every test of it reads the view, queries the cache or follows its events.
    /// </summary>
    public static async Task<ChangingAgent> StartAsync(MainAppPlatform platform)
    {
        var cluster = await EmulatedCluster.StartAsync();
        await cluster.CreateNamespaceAsync("shop");
        await cluster.CreateDeploymentAsync("shop", "web", replicas: 2);
        var registered = await platform.RegisterAgentAsync("rubygem", new Dictionary<string, string> { ["suite"] = "rubygem" });
        var agent = await platform.StartAgentAsync(registered.Name, registered.Token, cluster.Server.Url, cluster.AgentArgs());
        var started = new ChangingAgent(registered.Name, cluster, agent);
        try
        {
            await Eventually.UntilAsync(
                async () => await platform.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = registered.Name }),
                info => info.View is not null, TimeSpan.FromSeconds(60), $"the first cluster view of {registered.Name}");
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    private async Task KeepScalingAsync(CancellationToken ct)
    {
        var replicas = 2;
        while (!ct.IsCancellationRequested)
        {
            await _cluster.ScaleAsync("shop", "web", replicas = replicas % 4 + 1);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _changes;
        _stop.Dispose();
        await _agent.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
