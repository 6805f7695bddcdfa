using System.Net.Http.Headers;
using System.Text;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Client;
using Plural.KubeEmulator;
using Plural.Protocol.Server;

namespace Plural.Cable.Tests.Infrastructure;

/// <summary>
/// One silo and two gateway processes (Orleans clients of it), as in production; a Kubernetes emulator for
/// agents to talk to; and an Orleans client of the test's own for looking at the silo's stream subscriptions.
/// Leases are short so status changes show within seconds. The gateways take main-application JWTs signed with
/// <see cref="JwtSecret"/>, read from a secret file as in production.
/// </summary>
public sealed class CablePlatform : IAsyncLifetime
{
    public const string AdminToken = "cable-admin-token-0123456789";
    public const string JwtSecret = "cable-main-app-secret-0123456789abcdef";
    internal static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly int _siloPort = FreePort.Next();
    private readonly int _orleansGatewayPort = FreePort.Next();
    private readonly string _directory = Directory.CreateTempSubdirectory("plural-cable-").FullName;
    private GrpcChannel? _apiChannel;

    internal ProductProcess Silo { get; private set; } = null!;
    internal GatewayEndpoints GatewayA { get; private set; } = null!;
    internal GatewayEndpoints GatewayB { get; private set; } = null!;
    internal KubeEmulatorServer Emulator { get; private set; } = null!;
    internal ClusterProbe Cluster { get; private set; } = null!;

    public ServerApi.ServerApiClient Api { get; private set; } = null!;

    private string JwtSecretFile => Path.Combine(_directory, "jwt-secret");

    /// <summary>
    /// A JWT as the main application mints it for a signed-in user (issuer and audience the gateway expects by
    /// default), signed with <paramref name="secret"/>.
    /// </summary>
    internal static string MintJwt(string user, string secret = JwtSecret) =>
        MainAppJwt.MintForUser(Encoding.UTF8.GetBytes(secret), "plural", "plural-gateway", user, [], [MainAppJwt.AllAgents],
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));

    public async Task InitializeAsync()
    {
        Emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Port = 0, UseTls = false, Empty = true }, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(_directory, "upstream-token"), KubeEmulatorOptions.DefaultAgentToken);
        await File.WriteAllTextAsync(JwtSecretFile, JwtSecret + "\n");
        Silo = ProductProcess.Start("Silo",
        [
            "--Orleans:HostGateway=false",
            $"--Orleans:SiloPort={_siloPort}",
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            "--Git:PollInterval=00:00:01",
        ]);
        await Silo.WaitForOutputAsync("Application started", StartTimeout);
        var starting = new[] { StartGatewayAsync("gw-cable-a"), StartGatewayAsync("gw-cable-b") };
        var gateways = await Task.WhenAll(starting);
        (GatewayA, GatewayB) = (gateways[0], gateways[1]);
        Cluster = await ClusterProbe.ConnectAsync(_orleansGatewayPort);

        _apiChannel = GrpcChannel.ForAddress(GatewayA.ApiUrl);
        Api = new ServerApi.ServerApiClient(_apiChannel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + AdminToken);
            return metadata;
        }));
    }

    internal async Task<RegisteredAgent> RegisterAgentAsync(string prefix, IReadOnlyDictionary<string, string>? labels = null)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var request = new RegisterAgentRequest { Name = name };
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            request.Labels[key] = value;
        }

        var response = await Api.RegisterAgentAsync(request);
        return new RegisteredAgent(name, response.Token.Token, response.Token.TokenId);
    }

    /// <summary>A user token that reaches only <paramref name="agents"/>.</summary>
    internal async Task<string> IssueUserTokenAsync(string user, params string[] agents)
    {
        var request = new IssueUserTokenRequest { User = user };
        request.Agents.AddRange(agents);
        return (await Api.IssueUserTokenAsync(request)).Token;
    }

    /// <summary>
    /// Starts an AgentK process connected to <paramref name="gateway"/> and waits for its session. A replica of an
    /// agent other than its first names its own <paramref name="instance"/> (<c>pod</c> by default) and may add
    /// <paramref name="settings"/> (<c>--Agent:Key=value</c>).
    /// </summary>
    internal async Task<ProductProcess> StartAgentAsync(RegisteredAgent agent, GatewayEndpoints gateway, string instance = "pod", params string[] settings)
    {
        var process = ProductProcess.Start("AgentK",
        [
            $"--Agent:GatewayUrl={gateway.AgentUrl}",
            $"--Agent:Token={agent.Token}",
            $"--Agent:InstanceId={agent.Name}-{instance}",
            $"--Agent:Upstream:Url={Emulator.Url}",
            $"--Agent:Upstream:BearerTokenFile={Path.Combine(_directory, "upstream-token")}",
            "--Agent:ObservabilityUrl=",
            "--Agent:Reconnect:InitialBackoff=00:00:00.200",
            "--Agent:Reconnect:MaxBackoff=00:00:01",
            "--Agent:Views:Debounce=00:00:00.100",
            "--Agent:Views:RefreshInterval=00:00:02",
            "--Agent:Events:BatchInterval=00:00:00.050",
            .. settings,
        ], name: $"AgentK {agent.Name}-{instance}");
        await process.WaitForOutputAsync("Agent connected", StartTimeout);
        return process;
    }

    /// <summary>Creates a namespace in the emulated cluster, which the agents' informers report as an event.</summary>
    internal async Task CreateNamespaceAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = Emulator.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.AdminToken);
        using var body = new StringContent("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/namespaces", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits until the silo reports the agent (dis)connected.</summary>
    internal async Task WaitForAgentAsync(string name, bool connected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await Api.GetAgentAsync(new GetAgentRequest { Name = name })).Status.Connected != connected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"agent {name} did not become connected={connected} within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        _apiChannel?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        foreach (var gateway in new[] { GatewayA, GatewayB })
        {
            if (gateway is not null)
            {
                await gateway.Process.DisposeAsync();
            }
        }

        await Silo.DisposeAsync();
        await Emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// Starts one more gateway of the platform, with <paramref name="settings"/> (<c>--Section:Key=value</c>) on top
    /// of those of <see cref="GatewayA"/> and <see cref="GatewayB"/>; the caller disposes it.
    /// </summary>
    internal async Task<GatewayEndpoints> StartGatewayAsync(string id, params string[] settings)
    {
        var agent = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var api = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var process = ProductProcess.Start("Gateway",
        [
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--Gateway:Id={id}",
            $"--Gateway:AdminToken={AdminToken}",
            $"--Gateway:AgentListenUrl={agent}",
            $"--Gateway:ApiListenUrl={api}",
            $"--Gateway:HttpListenUrl={http}",
            // Plain-text listeners on loopback; the TLS path has its own tests.
            "--Gateway:AllowInsecure=true",
            "--Gateway:Peer:Secret=cable-peer-secret-0123456789abcdef",
            "--Gateway:Leases:TimeToLive=00:00:03",
            "--Gateway:Leases:RefreshInterval=00:00:00.500",
            "--Gateway:HeartbeatInterval=00:00:01",
            "--Gateway:Access:TokenCacheTime=00:00:00.500",
            "--Gateway:Cable:TopicLinger=00:00:15",
            "--Gateway:Cable:ReauthenticateInterval=00:00:02",
            $"--Gateway:Access:JwtSecretFiles:0={JwtSecretFile}",
            .. settings,
        ], name: "Gateway " + id);
        await process.WaitForOutputAsync("Application started", StartTimeout);
        return new GatewayEndpoints(id, process, agent, api, http);
    }
}

[CollectionDefinition(Name)]
public sealed class CablePlatformCollection : ICollectionFixture<CablePlatform>
{
    public const string Name = "cable platform";
}

internal sealed record RegisteredAgent(string Name, string Token, string TokenId);

internal sealed record GatewayEndpoints(string Id, ProductProcess Process, Uri AgentUrl, Uri ApiUrl, Uri HttpUrl) : IAsyncDisposable
{
    /// <summary>The cable URL with a credential in the query string.</summary>
    public Uri CableUrl(string token) => new($"ws://{HttpUrl.Authority}/cable?token={Uri.EscapeDataString(token)}");

    /// <summary>Kills the gateway's process.</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
