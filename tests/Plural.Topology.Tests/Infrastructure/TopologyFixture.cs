using Grpc.Net.Client;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// A running topology: silos and two gateways on one store, a readiness poller, the agents' load balancer, an
/// upstream, and a fleet of agents all connected. Subclasses choose the store and the sizes.
/// </summary>
public abstract class TopologyFixture : IAsyncLifetime
{
    public static readonly string[] GatewayIds = ["gw-a", "gw-b"];

    private GrpcChannel? _channel;

    internal TopologyCluster Cluster { get; private set; } = null!;
    internal GatewayReadiness Readiness { get; private set; } = null!;
    internal AgentBalancer Balancer { get; private set; } = null!;
    internal EchoUpstream Upstream { get; private set; } = null!;
    internal AgentFleet Agents { get; private set; } = null!;

    public ServerApi.ServerApiClient Api { get; private set; } = null!;

    internal abstract int SiloCount { get; }

    protected abstract int AgentCount { get; }

    internal abstract Task<ClusterStore> StartStoreAsync();

    protected abstract ValueTask StopStoreAsync();

    public async Task InitializeAsync()
    {
        var store = await StartStoreAsync();
        Cluster = new TopologyCluster(store);
        Upstream = await EchoUpstream.StartAsync();
        await StartAllAsync();
        Readiness = new GatewayReadiness(() => Cluster.KnownGateways);
        Balancer = new AgentBalancer(Readiness);
        ReconnectApi();
        try
        {
            Agents = await AgentFleet.StartAsync(Api, AgentCount, Balancer.Url, Upstream.Url, GetType().Name.Replace("Fixture", "").ToLowerInvariant());
        }
        catch (Grpc.Core.RpcException ex)
        {
            throw new InvalidOperationException($"registering the agents failed: {ex.Status}\n{Cluster.Diagnostics()}", ex);
        }

        await WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Starts every silo at once (they race to create the schema; one wins, under its lock), then the gateways.
    /// Gateways could start together with the silos, but on a small machine that only slows everything down.
    /// </summary>
    internal async Task StartAllAsync()
    {
        await Cluster.StartSilosAsync(SiloCount);
        await Task.WhenAll(GatewayIds.Select(id => Cluster.StartGatewayAsync(id)));
    }

    /// <summary>Points the ServerApi client at a gateway that runs now.</summary>
    internal void ReconnectApi(string? preferredGateway = null)
    {
        _channel?.Dispose();
        (Api, _channel) = Cluster.OpenApi(preferredGateway);
    }

    /// <summary>Waits until every agent of the fleet satisfies <paramref name="condition"/>; returns them.</summary>
    internal async Task<IReadOnlyList<Agent>> WaitForAgentsAsync(Func<Agent, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<Agent> agents = [];
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                agents = await ListAgentsAsync();
                if (agents.Count >= Agents.Names.Count && Agents.Names.All(n => agents.Any(a => a.Name == n && condition(a))))
                {
                    return agents;
                }
            }
            catch (Grpc.Core.RpcException ex)
            {
                lastError = ex.Status.ToString();
            }

            await Task.Delay(250);
        }

        var failing = Agents.Names.Where(n => !agents.Any(a => a.Name == n && condition(a))).Take(5);
        throw new TimeoutException($"agents did not reach the expected state within {timeout}: {string.Join(", ", failing)} (of {agents.Count} listed; last error {lastError})\n{Cluster.Diagnostics()}");
    }

    internal async Task<IReadOnlyList<Agent>> ListAgentsAsync()
    {
        var all = new List<Agent>();
        var page = "";
        do
        {
            var response = await Api.ListAgentsAsync(new ListAgentsRequest { PageSize = 500, PageToken = page }, deadline: DateTime.UtcNow.AddSeconds(10));
            all.AddRange(response.Agents);
            page = response.NextPageToken;
        }
        while (!string.IsNullOrEmpty(page));

        return all;
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (Agents is not null)
        {
            await Agents.DisposeAsync();
        }

        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
        }

        if (Readiness is not null)
        {
            await Readiness.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }

        await StopStoreAsync();
    }
}
