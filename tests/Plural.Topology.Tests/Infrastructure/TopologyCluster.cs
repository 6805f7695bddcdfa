using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// Silo-only processes and standalone gateway processes on one external store, started and stopped the ways
/// operators do (start, SIGTERM, kill). Failure detection, leases and waits are shortened so that changes show
/// within seconds on a small machine.
/// </summary>
internal sealed class TopologyCluster : IAsyncDisposable
{
    public const string AdminToken = "topology-admin-token-0123456789";

    /// <summary>The secret the gateways sign their peer tokens with.</summary>
    public const string PeerSecret = "topology-peer-secret-0123456789abcdef";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(3) };

    private readonly ClusterStore _store;
    private readonly string _clusterId = "topo-" + Guid.NewGuid().ToString("N")[..6];
    private readonly Dictionary<string, GatewayEndpoint> _gatewayAddresses = [];
    private readonly Lock _gate = new();
    private int _siloCount;

    /// <summary>A cluster on <paramref name="store"/>; <paramref name="tls"/> when a test needs to know the CA (a fresh one otherwise).</summary>
    public TopologyCluster(ClusterStore store, ClusterTlsFiles? tls = null)
    {
        _store = store;
        Tls = tls ?? ClusterTlsFiles.Write();
    }

    /// <summary>The cluster CA and the certificate every silo and gateway presents: Orleans traffic is mutual TLS, as in production.</summary>
    public ClusterTlsFiles Tls { get; }

    public List<SiloNode> Silos { get; } = [];

    public List<GatewayNode> Gateways { get; } = [];

    /// <summary>Every gateway ever started here, running or not, for the readiness poller.</summary>
    public IReadOnlyList<GatewayEndpoint> KnownGateways
    {
        get
        {
            lock (_gate)
            {
                return [.. _gatewayAddresses.Values];
            }
        }
    }

    public async Task<SiloNode> StartSiloAsync(params string[] extraArgs)
    {
        var silo = LaunchSilo(extraArgs);
        await WaitReadyAsync(silo.Process, silo.HttpUrl, StartTimeout);
        return silo;
    }

    /// <summary>
    /// Starts a silo without waiting for it to join; <paramref name="extraArgs"/> come last and so override the
    /// defaults (another cluster certificate, say).
    /// </summary>
    public SiloNode LaunchSilo(params string[] extraArgs)
    {
        var name = $"silo-{Interlocked.Increment(ref _siloCount)}";
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var gatewayPort = FreePort.Next();
        var process = ProductProcess.Start("Silo",
        [
            "--Orleans:HostGateway=false",
            $"--Orleans:ClusterId={_clusterId}",
            "--Orleans:AdvertisedAddress=127.0.0.1",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={gatewayPort}",
            $"--Orleans:SiloName={name}",
            "--Orleans:ProbeTimeout=00:00:02",
            "--Orleans:NumMissedProbesLimit=3",
            .. _store.Arguments(silo: true),
            .. Tls.Arguments,
            $"--urls={http}",
            "--Logging:LogLevel:Polly=Warning",
            .. extraArgs,
        ], name);
        var silo = new SiloNode(name, process, http, gatewayPort);
        lock (_gate)
        {
            Silos.Add(silo);
        }

        return silo;
    }

    public Task StartSilosAsync(int count) => Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartSiloAsync()));

    /// <summary>Starts the gateway named <paramref name="id"/>, on the addresses it had before if it ran already.</summary>
    public Task<GatewayNode> StartGatewayAsync(string id, params string[] extraArgs) => StartGatewayAsync(id, inRotation: true, extraArgs);

    /// <summary>
    /// Starts a gateway; one not <paramref name="inRotation"/> is left out of the load balancers, for tests that
    /// dial it directly.
    /// </summary>
    public async Task<GatewayNode> StartGatewayAsync(string id, bool inRotation, params string[] extraArgs)
    {
        var gateway = LaunchGateway(id, inRotation, extraArgs);
        await WaitReadyAsync(gateway.Process, gateway.Endpoint.HttpUrl, StartTimeout);
        return gateway;
    }

    /// <summary>Starts a gateway without waiting for it to reach the silos; <paramref name="extraArgs"/> override the defaults.</summary>
    public GatewayNode LaunchGateway(string id, bool inRotation, params string[] extraArgs)
    {
        GatewayEndpoint endpoint;
        lock (_gate)
        {
            if (!_gatewayAddresses.TryGetValue(id, out endpoint!))
            {
                endpoint = new GatewayEndpoint(id, Loopback(), Loopback(), Loopback());
                if (inRotation)
                {
                    _gatewayAddresses[id] = endpoint;
                }
            }
        }

        var process = ProductProcess.Start("Gateway",
        [
            $"--Orleans:ClusterId={_clusterId}",
            "--Orleans:GatewayListRefreshPeriod=00:00:02",
            "--Orleans:ResponseTimeout=00:00:05",
            .. _store.Arguments(silo: false),
            .. Tls.Arguments,
            $"--Gateway:Id={id}",
            $"--Gateway:AdminToken={AdminToken}",
            $"--Gateway:AgentListenUrl={endpoint.AgentUrl}",
            $"--Gateway:ApiListenUrl={endpoint.ApiUrl}",
            $"--Gateway:HttpListenUrl={endpoint.HttpUrl}",
            // Plain-text listeners on loopback; the TLS path has its own tests.
            "--Gateway:AllowInsecure=true",
            $"--Gateway:Peer:Secret={PeerSecret}",
            "--Gateway:Leases:TimeToLive=00:00:04",
            "--Gateway:Leases:RefreshInterval=00:00:01",
            "--Gateway:Tunnels:WaitTimeout=00:00:05",
            "--Gateway:HeartbeatInterval=00:00:02",
            "--Gateway:Drain:ReadinessDelay=00:00:00.500",
            "--Gateway:Drain:ReconnectSpread=00:00:01",
            "--Gateway:Drain:Timeout=00:00:15",
            "--Logging:LogLevel:Polly=Warning",
            .. extraArgs,
        ], "gateway " + id);
        var gateway = new GatewayNode(endpoint, process);
        lock (_gate)
        {
            Gateways.Add(gateway);
        }

        return gateway;
    }

    public async Task StopSiloAsync(SiloNode silo, bool kill)
    {
        if (kill)
        {
            await silo.Process.KillAsync();
        }
        else
        {
            await silo.Process.TerminateAsync(TimeSpan.FromSeconds(60));
        }

        lock (_gate)
        {
            Silos.Remove(silo);
        }

        await silo.Process.DisposeAsync();
    }

    public async Task StopGatewayAsync(GatewayNode gateway, bool kill)
    {
        if (kill)
        {
            await gateway.Process.KillAsync();
        }
        else
        {
            await gateway.Process.TerminateAsync(TimeSpan.FromSeconds(60));
        }

        lock (_gate)
        {
            Gateways.Remove(gateway);
        }

        await gateway.Process.DisposeAsync();
    }

    /// <summary>A ServerApi client on a running gateway, carrying the admin token.</summary>
    public (ServerApi.ServerApiClient Api, GrpcChannel Channel) OpenApi(string? preferredGateway = null)
    {
        var gateway = Gateways.FirstOrDefault(g => g.Endpoint.Id == preferredGateway && !g.Process.HasExited)
            ?? Gateways.First(g => !g.Process.HasExited);
        var channel = GrpcChannel.ForAddress(gateway.Endpoint.ApiUrl);
        var api = new ServerApi.ServerApiClient(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + AdminToken);
            return metadata;
        }));
        return (api, channel);
    }

    public string Diagnostics() => string.Join("\n\n",
        Silos.Select(s => $"--- {s.Name}\n{s.Process.Output}").Concat(Gateways.Select(g => $"--- {g.Process.Name}\n{g.Process.Output}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in Gateways.ToList())
        {
            await gateway.Process.DisposeAsync();
        }

        foreach (var silo in Silos.ToList())
        {
            await silo.Process.DisposeAsync();
        }
    }

    private static Uri Loopback() => new($"http://127.0.0.1:{FreePort.Next()}");

    private static async Task WaitReadyAsync(ProductProcess process, Uri http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited with {process.ExitCode} while starting. Output:\n{process.Output}");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(http, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{process.Name} was not ready within {timeout}. Output:\n{process.Output}");
    }
}
