using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A silo and a gateway process on Redis (membership, grain state, stream subscriptions and reminders), as a
/// production deployment keeps them, so that the silo can be killed and started again without losing state. The silo
/// polls Git every second.
/// </summary>
internal sealed class RestartablePlatform : IAsyncDisposable
{
    private const string AdminToken = "e2e-restart-admin-token-0123456789";
    private readonly RedisServer _redis;
    private readonly string _clusterId = "e2e-" + Guid.NewGuid().ToString("N")[..6];
    // Orleans on Redis is mutual TLS, as in production.
    private readonly ClusterTlsFiles _clusterTls = ClusterTlsFiles.Write();
    private readonly int _siloPort = FreePort.Next();
    private readonly int _orleansGatewayPort = FreePort.Next();
    private readonly GrpcChannel _apiChannel;
    private int _siloGeneration;

    private RestartablePlatform(RedisServer redis)
    {
        _redis = redis;
        _apiChannel = GrpcChannel.ForAddress(ApiUrl);
        Api = new ServerApi.ServerApiClient(_apiChannel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + AdminToken);
            return metadata;
        }));
    }

    public ProductProcess Silo { get; private set; } = null!;

    public ProductProcess Gateway { get; private set; } = null!;

    public Uri AgentUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");

    public Uri ApiUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");

    public ServerApi.ServerApiClient Api { get; }

    public static async Task<RestartablePlatform> StartAsync()
    {
        var platform = new RestartablePlatform(await RedisServer.StartAsync());
        await platform.StartSiloAsync();
        platform.Gateway = ProductProcess.Start("Gateway",
        [
            .. platform.Store(silo: false),
            "--Orleans:GatewayListRefreshPeriod=00:00:02",
            "--Gateway:Id=gw-restart",
            $"--Gateway:AdminToken={AdminToken}",
            $"--Gateway:AgentListenUrl={platform.AgentUrl}",
            $"--Gateway:ApiListenUrl={platform.ApiUrl}",
            $"--Gateway:HttpListenUrl=http://127.0.0.1:{FreePort.Next()}",
            "--Gateway:Leases:TimeToLive=00:00:03",
            "--Gateway:Leases:RefreshInterval=00:00:00.500",
            "--Gateway:HeartbeatInterval=00:00:01",
            // Plain HTTP on loopback: this platform is about restarts, not transport security.
            "--Gateway:AllowInsecure=true",
        ], name: "Gateway gw-restart");
        await platform.Gateway.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        return platform;
    }

    /// <summary>Kills the silo, as a crash or an OOM kill would, and starts it again on the same addresses.</summary>
    public async Task RestartSiloAsync()
    {
        await Silo.KillAsync();
        await Silo.DisposeAsync();
        await StartSiloAsync();
    }

    public async Task<RegisteredAgent> RegisterAgentAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var response = await Api.RegisterAgentAsync(new RegisterAgentRequest { Name = name });
        return new RegisteredAgent(name, response.Token.TokenId, response.Token.Token);
    }

    public string Diagnostics() => $"--- silo\n{Silo.Output}\n--- gateway\n{Gateway.Output}";

    private async Task StartSiloAsync()
    {
        _siloGeneration++;
        Silo = ProductProcess.Start("Silo",
        [
            .. Store(silo: true),
            "--Orleans:HostGateway=false",
            "--Orleans:AdvertisedAddress=127.0.0.1",
            $"--Orleans:SiloPort={_siloPort}",
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            "--Orleans:SiloName=silo-restart",
            "--Orleans:ProbeTimeout=00:00:02",
            "--Orleans:NumMissedProbesLimit=3",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            "--Git:PollInterval=00:00:01",
            "--Logging:LogLevel:Polly=Warning",
        ], name: $"Silo (start {_siloGeneration})");
        await Silo.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
    }

    private string[] Store(bool silo) =>
    [
        $"--Orleans:ClusterId={_clusterId}",
        "--Orleans:ClusteringProvider=Redis",
        $"--ConnectionStrings:Redis={_redis.ConnectionString}",
        .. silo ? new[] { "--Orleans:StorageProvider=Redis", "--Orleans:ReminderProvider=Redis" } : [],
        .. _clusterTls.Arguments,
    ];

    public async ValueTask DisposeAsync()
    {
        _apiChannel.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Silo.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
