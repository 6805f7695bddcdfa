using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using k8s;
using k8s.Models;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Plural.Client;
using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;
using Plural.Testing.Otlp;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// The platform the way kubectl users meet it: a silo, gateway A (the agent's) and gateway B (which the agent is not
/// connected to and forwards to A), both with TLS on their HTTP listener and kubeconfigs that carry the CA; an
/// AgentK process whose upstream is a KubeEmulator (with its sample workloads and a pod to exec into). The gateways and
/// the agent export their spans to <see cref="Traces"/>, as they would to an operator's collector. One instance per
/// test class, so classes using it run in parallel.
/// </summary>
public sealed class KubectlPlatformFixture : IAsyncLifetime
{
    /// <summary>Namespace of <see cref="Pod"/>, created at start.</summary>
    public const string Namespace = "kubectl-e2e";

    /// <summary>A Running pod with one container, for logs, exec and port-forward.</summary>
    public const string Pod = "box";

    /// <summary>The secret the gateways check main-application JWTs with (<c>Gateway:Access:JwtSecretFiles</c>).</summary>
    public const string JwtSecret = "kubectl-main-app-secret-0123456789";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("plural-kubectl-");
    private readonly int _siloPort = FreePort.Next();
    private readonly int _orleansGatewayPort = FreePort.Next();
    private readonly Dictionary<string, KubectlGateway> _gateways = [];
    private ProductProcess? _silo;
    private GatewayCertificates _certificates = null!;
    private int _kubeconfigs;

    internal EmulatedCluster Cluster { get; private set; } = null!;

    /// <summary>The OTLP receiver the gateways and the agent export their spans to.</summary>
    internal OtlpReceiver Traces { get; private set; } = null!;

    internal AgentProcess AgentProcess { get; private set; } = null!;

    /// <summary>The agent behind which the emulator is; connected to gateway A only.</summary>
    internal RegisteredAgent Agent { get; private set; } = null!;

    /// <summary>An agent that is registered and never connects: tokens for it must not reach <see cref="Agent"/>.</summary>
    internal RegisteredAgent OtherAgent { get; private set; } = null!;

    internal KubectlGateway Gateway(string name) => _gateways[name];

    /// <summary>The test CA's PEM file: it signed the gateways' certificates, and is valid for a day.</summary>
    internal string AuthorityFile => _certificates.AuthorityFile;

    public async Task InitializeAsync()
    {
        _certificates = await GatewayCertificates.WriteAsync(_directory.FullName);
        await File.WriteAllTextAsync(JwtSecretFile, JwtSecret);
        Traces = await OtlpReceiver.StartAsync();
        var cluster = EmulatedCluster.StartAsync(o =>
        {
            o.Empty = false;
            o.LogLineInterval = TimeSpan.FromMilliseconds(250);
        });
        _silo = ProductProcess.Start("Silo",
        [
            "--Orleans:HostGateway=false",
            $"--Orleans:SiloPort={_siloPort}",
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
        ], name: "Silo (kubectl)");
        Cluster = await cluster;
        await _silo.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        var gateways = new[] { "A", "B" }.Select(name => StartGatewayAsync(name, GatewayEndpoints.New(name))).ToList();
        foreach (var gateway in await Task.WhenAll(gateways))
        {
            _gateways[gateway.Name] = gateway;
        }

        Agent = await RegisterAsync("kubectl");
        OtherAgent = await RegisterAsync("kubectl-other");
        AgentProcess = AgentProcess.Start(Agent, Gateway("A").AgentUrl, Cluster.Server.Url, Cluster.AgentArgs(), Traces.ExporterEnvironment);
        await AgentProcess.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        await WaitUntilConnectedToAAsync(Agent.Name);
        await StartPodAsync();
    }

    /// <summary>
    /// A kubeconfig issued by <c>ServerApi.IssueUserToken</c> on <paramref name="gateway"/> (so it points at that
    /// gateway), and kubectl with it and a private cache directory, or the one of <paramref name="sharingCacheWith"/>
    /// (whose discovery results then serve this one, as for one user whose token changed).
    /// </summary>
    internal async Task<(Kubectl Kubectl, IssueUserTokenResponse Issued)> KubectlAsync(
        string gateway, string user, string[] groups, RegisteredAgent? agent = null, int ttlSeconds = 0, Kubectl? sharingCacheWith = null)
    {
        var issued = await Gateway(gateway).Api.IssueUserTokenAsync(new IssueUserTokenRequest
        {
            User = user,
            Groups = { groups },
            Agents = { (agent ?? Agent).Name },
            TtlSeconds = ttlSeconds,
        });
        var number = Interlocked.Increment(ref _kubeconfigs);
        var path = Path.Combine(_directory.FullName, $"user-{number}.kubeconfig");
        await File.WriteAllTextAsync(path, issued.Kubeconfig);
        var cache = sharingCacheWith?.CacheDirectory ?? Path.Combine(_directory.FullName, $"kubectl-cache-{number}");
        return (new Kubectl(path, cache, Output), issued);
    }

    /// <summary>
    /// Kills gateway <paramref name="name"/> (no drain: its sessions and hops break as in a crash) and starts it again
    /// with the same id and addresses, so agents configured for it reconnect.
    /// </summary>
    internal async Task KillAndRestartGatewayAsync(string name, Func<Task>? whileDown = null)
    {
        var killed = Gateway(name);
        await killed.Process.KillAsync();
        await killed.DisposeAsync();
        try
        {
            if (whileDown is not null)
            {
                await whileDown();
            }
        }
        finally
        {
            _gateways[name] = await StartGatewayAsync(name, killed.Endpoints);
        }
    }

    /// <summary>Registers another agent and starts AgentK for it on gateway A, with the same cluster behind it.</summary>
    internal async Task<(RegisteredAgent Agent, AgentProcess Process)> StartAnotherAgentAsync(string prefix, params string[] agentArgs)
    {
        var agent = await RegisterAsync(prefix);
        var process = AgentProcess.Start(agent, Gateway("A").AgentUrl, Cluster.Server.Url, Cluster.AgentArgs(agentArgs), Traces.ExporterEnvironment);
        await process.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        return (agent, process);
    }

    /// <summary>An HTTP client for <paramref name="gateway"/>'s HTTPS listener (trusting the test CA) presenting <paramref name="bearer"/>.</summary>
    internal HttpClient HttpClient(string gateway, string bearer)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(_certificates.AuthorityFile)) },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        var client = new HttpClient(handler) { BaseAddress = Gateway(gateway).HttpUrl, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>A main-application JWT for <paramref name="user"/>, as the gateways accept it unless told otherwise.</summary>
    internal static string MintJwt(string user, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, string secret = JwtSecret) =>
        MainAppJwt.MintForUser(Encoding.UTF8.GetBytes(secret), "plural", "plural-gateway", user, [], [MainAppJwt.AllAgents],
            issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromMinutes(5));

    /// <summary>Waits until gateway B sees <paramref name="agentName"/> connected to gateway A with an idle tunnel.</summary>
    /// <remarks>
    /// A killed gateway's lease outlives it until it expires, and a restarted gateway keeps its id: after a restart,
    /// <paramref name="connectedAfter"/> tells the new connection from the dead one's lease.
    /// </remarks>
    internal Task<Agent> WaitUntilConnectedToAAsync(string agentName, DateTimeOffset? connectedAfter = null) =>
        WaitForAgentAsync(agentName, a => a.Status.Connected && a.Status.Connections.Any(c =>
            c.GatewayId == Gateway("A").Id && c.IdleTunnels > 0 && (connectedAfter is null || c.ConnectedAt.ToDateTimeOffset() > connectedAfter)));

    /// <summary>Waits until <paramref name="agentName"/>, as gateway B reads it, satisfies <paramref name="condition"/>.</summary>
    internal async Task<Agent> WaitForAgentAsync(string agentName, Func<Agent, bool> condition)
    {
        var deadline = DateTime.UtcNow + PlatformFixture.StartTimeout;
        Agent seen;
        do
        {
            seen = await Gateway("B").Api.GetAgentAsync(new GetAgentRequest { Name = agentName });
            if (condition(seen))
            {
                return seen;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"agent {agentName} did not reach the expected state; last: {seen}\n{Output()}");
    }

    /// <summary>The Kubernetes API of <see cref="Agent"/> through <paramref name="gateway"/>, as kubeconfigs name it.</summary>
    internal string ServerUrl(string gateway) => $"{Gateway(gateway).HttpUrl.ToString().TrimEnd('/')}/k8s-proxy/{Agent.Name}";

    /// <summary>A kubectl run and what the product processes printed, for failure messages.</summary>
    internal string Describe(KubectlResult result) =>
        $"kubectl {result.Command} exited {result.ExitCode}\nstdout: {result.Stdout}\nstderr: {result.Stderr}\n{Output()}";

    /// <summary>What the product processes printed, for failure messages.</summary>
    internal string Output() =>
        string.Join("\n\n", new[] { _silo }.Concat(_gateways.Values.Select(g => g.Process)).Append(AgentProcess?.Process)
            .Where(p => p is not null).Select(p => $"--- {p!.Name}\n{p.Output}"));

    public async Task DisposeAsync()
    {
        if (AgentProcess is not null)
        {
            await AgentProcess.DisposeAsync();
        }

        foreach (var gateway in _gateways.Values)
        {
            await gateway.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Traces is not null)
        {
            await Traces.DisposeAsync();
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A kubectl cache file still being written; the temporary directory is the system's to clean.
        }
    }

    private string JwtSecretFile => Path.Combine(_directory.FullName, "main-app-jwt-secret");

    private async Task<KubectlGateway> StartGatewayAsync(string name, GatewayEndpoints endpoints)
    {
        var certificates = _certificates;
        var (id, agentUrl, apiUrl, httpUrl) = endpoints;
        var process = ProductProcess.Start("Gateway",
        [
            $"--Orleans:GatewayPort={_orleansGatewayPort}",
            $"--Gateway:Id={id}",
            $"--Gateway:AdminToken={PlatformFixture.AdminToken}",
            $"--Gateway:AgentListenUrl={agentUrl}",
            $"--Gateway:ApiListenUrl={apiUrl}",
            $"--Gateway:HttpListenUrl={httpUrl}",
            $"--Gateway:TlsCertificateFile={certificates.CertificateFile}",
            $"--Gateway:TlsKeyFile={certificates.KeyFile}",
            // Agents and the ServerApi in plain text on loopback; users and the hop between the gateways over TLS.
            "--Gateway:AllowInsecure=true",
            $"--Gateway:Peer:Secret={PlatformFixture.PeerSecret}",
            $"--Gateway:Peer:CaFile={certificates.AuthorityFile}",
            // Issued kubeconfigs carry the CA, as kubectl needs it to trust the gateway.
            $"--Gateway:Access:KubeconfigCaFile={certificates.AuthorityFile}",
            $"--Gateway:Access:JwtSecretFiles:0={JwtSecretFile}",
            "--Gateway:Access:TokenCacheTime=00:00:00.500",
            "--Gateway:Leases:TimeToLive=00:00:03",
            "--Gateway:Leases:RefreshInterval=00:00:00.500",
            "--Gateway:Tunnels:WaitTimeout=00:00:10",
            "--Gateway:HeartbeatInterval=00:00:01",
        ], name: $"Gateway {name} ({id})",
        // The hop from B to A goes to A's https:// listener; the gateways trust the test CA as an operator's
        // private CA would be trusted: through the system's trust store.
        environment: new Dictionary<string, string>(Traces.ExporterEnvironment) { ["SSL_CERT_FILE"] = certificates.AuthorityFile });
        await process.WaitForOutputAsync("Application started", PlatformFixture.StartTimeout);
        var channel = GrpcChannel.ForAddress(apiUrl);
        var api = new ServerApi.ServerApiClient(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + PlatformFixture.AdminToken);
            return metadata;
        }));
        return new KubectlGateway(name, endpoints, process, channel, api);
    }

    /// <summary>Registers an agent named <paramref name="prefix"/> plus a random suffix; nothing connects for it yet.</summary>
    internal async Task<RegisteredAgent> RegisterAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var response = await Gateway("A").Api.RegisterAgentAsync(new RegisterAgentRequest { Name = name });
        return new RegisteredAgent(name, response.Token.TokenId, response.Token.Token);
    }

    private async Task StartPodAsync()
    {
        await Cluster.CreateNamespaceAsync(Namespace);
        await Cluster.Admin.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = Pod },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = Pod, Image = "busybox:1.36" }] },
        }, Namespace);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Cluster.Admin.CoreV1.ReadNamespacedPodAsync(Pod, Namespace)).Status?.Phase != "Running")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"pod {Namespace}/{Pod} is not Running");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>Test classes sharing one <see cref="KubectlPlatformFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class KubectlPlatformCollection : ICollectionFixture<KubectlPlatformFixture>
{
    public const string Name = "kubectl platform";
}

/// <summary>Where one gateway of <see cref="KubectlPlatformFixture"/> listens, kept across a restart.</summary>
internal sealed record GatewayEndpoints(string Id, Uri AgentUrl, Uri ApiUrl, Uri HttpUrl)
{
    public static GatewayEndpoints New(string name) => new(
        $"gw-kubectl-{name.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}",
        new Uri($"http://127.0.0.1:{FreePort.Next()}"),
        new Uri($"http://127.0.0.1:{FreePort.Next()}"),
        new Uri($"https://127.0.0.1:{FreePort.Next()}"));
}

/// <summary>One gateway of <see cref="KubectlPlatformFixture"/> and its <c>ServerApi</c> client.</summary>
internal sealed record KubectlGateway(
    string Name, GatewayEndpoints Endpoints, ProductProcess Process, GrpcChannel Channel, ServerApi.ServerApiClient Api)
    : IAsyncDisposable
{
    public string Id => Endpoints.Id;

    public Uri AgentUrl => Endpoints.AgentUrl;

    public Uri HttpUrl => Endpoints.HttpUrl;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Process.DisposeAsync();
    }
}
