using System.Net.Http.Headers;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A silo and a separate gateway process (an Orleans client of it), as in production, plus an
/// upstream HTTP server. Leases and waits are shortened so status changes show within seconds.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string AdminToken = "e2e-admin-token-0123456789";

    /// <summary>The secret the gateways sign their peer tokens with.</summary>
    public const string PeerSecret = "e2e-peer-secret-0123456789abcdefghij";

    internal static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly int _siloPort = FreePort.Next();
    private readonly int _orleansGatewayPort = FreePort.Next();
    private GrpcChannel? _apiChannel;
    private int _gatewayGeneration;

    internal ProductProcess Silo { get; private set; } = null!;
    internal ProductProcess Gateway { get; private set; } = null!;
    internal UpstreamServer Upstream { get; private set; } = null!;

    public Uri AgentUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");
    public Uri ApiUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");
    public Uri HttpUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");

    public ServerApi.ServerApiClient Api { get; private set; } = null!;

    /// <summary>Client for the gateway's HTTP listener, carrying the admin token.</summary>
    public HttpClient Http { get; private set; } = null!;

    public string GatewayId => $"gw-e2e-{_gatewayGeneration}";

    public async Task InitializeAsync()
    {
        Upstream = await UpstreamServer.StartAsync();
        Silo = ProductProcess.Start("Silo",
        [
            "--Orleans:HostGateway=false",
            $"--Orleans:SiloPort={_siloPort}",
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            "--Git:PollInterval=00:00:01",
        ]);
        await Silo.WaitForOutputAsync("Application started", StartTimeout);
        await StartGatewayAsync();

        _apiChannel = GrpcChannel.ForAddress(ApiUrl);
        Api = new ServerApi.ServerApiClient(_apiChannel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + AdminToken);
            return metadata;
        }));
        Http = new HttpClient { BaseAddress = HttpUrl, Timeout = TimeSpan.FromMinutes(5) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    /// <summary>Kills the gateway process (no drain) and starts a new one on the same addresses.</summary>
    internal async Task RestartGatewayAsync()
    {
        await Gateway.KillAsync();
        await Gateway.DisposeAsync();
        await StartGatewayAsync();
    }

    internal async Task<RegisteredAgent> RegisterAgentAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var response = await Api.RegisterAgentAsync(new RegisterAgentRequest { Name = name });
        return new RegisteredAgent(name, response.Token.TokenId, response.Token.Token);
    }

    /// <summary>Starts an agent process for <paramref name="agent"/> and waits until its session is up.</summary>
    internal async Task<AgentProcess> StartAgentAsync(RegisteredAgent agent, Uri? upstream = null, params string[] extraArgs)
    {
        var agentProcess = AgentProcess.Start(agent, AgentUrl, upstream ?? Upstream.Url, extraArgs);
        await agentProcess.Process.WaitForOutputAsync("Agent connected", StartTimeout);
        return agentProcess;
    }

    internal async Task<Agent> WaitForAgentAsync(string name, Func<Agent, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Agent agent;
        do
        {
            agent = await Api.GetAgentAsync(new GetAgentRequest { Name = name });
            if (condition(agent))
            {
                return agent;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"agent {name} did not reach the expected state within {timeout}; last: {agent}");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        _apiChannel?.Dispose();
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>Starts one more gateway on fresh ports; the caller disposes it.</summary>
    internal async Task<(ProductProcess Process, Uri HttpUrl, string Id)> StartExtraGatewayAsync()
    {
        var id = "gw-extra-" + Guid.NewGuid().ToString("N")[..6];
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var process = StartGatewayProcess(id, new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            new Uri($"http://127.0.0.1:{FreePort.Next()}"), http);
        await process.WaitForOutputAsync("Application started", StartTimeout);
        return (process, http, id);
    }

    /// <summary>Starts one more gateway on fresh ports with extra settings (limits under test); the caller disposes it.</summary>
    internal async Task<(ProductProcess Process, Uri AgentUrl, Uri HttpUrl)> StartGatewayWithAsync(params string[] settings)
    {
        var id = "gw-set-" + Guid.NewGuid().ToString("N")[..6];
        var agentUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var process = StartGatewayProcess(id, agentUrl, new Uri($"http://127.0.0.1:{FreePort.Next()}"), http, settings);
        await process.WaitForOutputAsync("Application started", StartTimeout);
        return (process, agentUrl, http);
    }

    private async Task StartGatewayAsync()
    {
        _gatewayGeneration++;
        Gateway = StartGatewayProcess(GatewayId, AgentUrl, ApiUrl, HttpUrl);
        await Gateway.WaitForOutputAsync("Application started", StartTimeout);
    }

    private ProductProcess StartGatewayProcess(string id, Uri agentUrl, Uri apiUrl, Uri httpUrl, params string[] settings) =>
        ProductProcess.Start("Gateway",
        [
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--Gateway:Id={id}",
            $"--Gateway:AdminToken={AdminToken}",
            $"--Gateway:AgentListenUrl={agentUrl}",
            $"--Gateway:ApiListenUrl={apiUrl}",
            $"--Gateway:HttpListenUrl={httpUrl}",
            // Plain-text listeners on loopback; the TLS path has its own tests.
            "--Gateway:AllowInsecure=true",
            $"--Gateway:Peer:Secret={PeerSecret}",
            "--Gateway:Leases:TimeToLive=00:00:03",
            "--Gateway:Leases:RefreshInterval=00:00:00.500",
            "--Gateway:Tunnels:WaitTimeout=00:00:03",
            "--Gateway:HeartbeatInterval=00:00:01",
            "--Gateway:Access:TokenCacheTime=00:00:00.500",
            .. settings,
        ], name: "Gateway " + id);
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

internal sealed record RegisteredAgent(string Name, string TokenId, string Token);
