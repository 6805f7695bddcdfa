using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Bench.Load;
using Plural.Bench.Processes;
using Plural.Bench.Runner;
using Plural.Protocol.Server;
using Plural.Testing.Certificates;

namespace Plural.Bench.Platform;

/// <summary>
/// The platform as operators run it: a silo process and a separate gateway process (an Orleans client
/// of it), started from the built outputs with production defaults, logging at Warning so console
/// output does not cost CPU inside the measurement.
/// </summary>
public sealed class PlatformHost : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ScenarioContext _context;
    private readonly GrpcChannel _apiChannel;
    private readonly IReadOnlyList<string> _gatewayArgs;

    private PlatformHost(ScenarioContext context, ChildProcess silo, Uri siloUrl, ChildProcess gateway, IReadOnlyList<string> gatewayArgs,
        Uri agentUrl, Uri apiUrl, Uri httpUrl, string adminToken, string? caFile)
    {
        CaFile = caFile;
        _context = context;
        _gatewayArgs = gatewayArgs;
        Silo = silo;
        SiloUrl = siloUrl;
        Gateway = gateway;
        AgentUrl = agentUrl;
        HttpUrl = httpUrl;
        AdminToken = adminToken;
        _apiChannel = GrpcChannel.ForAddress(apiUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20, HttpHandler = HandlerTrusting(caFile) });
        Api = new ServerApi.ServerApiClient(_apiChannel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + adminToken);
            return metadata;
        }));
    }

    /// <summary>The silo process.</summary>
    public ChildProcess Silo { get; }

    /// <summary>The silo's HTTP listener: <c>/readyz</c> and Prometheus <c>/metrics</c>.</summary>
    public Uri SiloUrl { get; }

    /// <summary>The gateway process (a new one after <see cref="RestartGatewayAsync"/>).</summary>
    public ChildProcess Gateway { get; private set; }

    /// <summary>The gateway's agent listener (h2c).</summary>
    public Uri AgentUrl { get; }

    /// <summary>The gateway's HTTP listener, where <c>/agents/{agent}/proxy/...</c> is served.</summary>
    public Uri HttpUrl { get; }

    /// <summary>PEM CA of the gateway's listeners when they serve TLS; null when they are plain http.</summary>
    public string? CaFile { get; }

    /// <summary>The admin bearer token, for ServerApi and the proxy route.</summary>
    public string AdminToken { get; }

    /// <summary>ServerApi with the admin token.</summary>
    public ServerApi.ServerApiClient Api { get; }

    /// <summary>The Authorization header value for the proxy route.</summary>
    public AuthenticationHeaderValue AdminAuthorization => new("Bearer", AdminToken);

    /// <summary>The gateway's <c>/cable</c> endpoint, authenticated with the admin token.</summary>
    public Uri CableUrl => new($"ws://{HttpUrl.Authority}/cable?token={Uri.EscapeDataString(AdminToken)}");

    /// <summary>Starts a silo and a gateway and waits until the gateway is ready.</summary>
    public static Task<PlatformHost> StartAsync(ScenarioContext context, IEnumerable<string> extraGatewayArgs, CancellationToken ct) =>
        StartAsync(context, extraGatewayArgs, [], null, ct);

    /// <summary>Starts a silo with extra configuration arguments (<c>--Git:PollInterval=...</c>) and a gateway.</summary>
    public static Task<PlatformHost> StartAsync(ScenarioContext context, IEnumerable<string> extraGatewayArgs, IEnumerable<string> extraSiloArgs,
        CancellationToken ct) => StartAsync(context, extraGatewayArgs, extraSiloArgs, null, ct);

    /// <summary>
    /// Starts a silo and a gateway whose agent, API and HTTP listeners serve TLS with <paramref name="tls"/>'s certificate
    /// when it is given (agents started by <see cref="StartAgentAsync"/> then pin its CA), plain http otherwise.
    /// </summary>
    public static async Task<PlatformHost> StartAsync(ScenarioContext context, IEnumerable<string> extraGatewayArgs, IEnumerable<string> extraSiloArgs,
        GatewayCertificates? tls, CancellationToken ct)
    {
        var siloPort = FreePort.Next();
        var orleansGatewayPort = FreePort.Next();
        var siloHealth = FreePort.Next();
        var silo = context.Children.Start("silo", "dotnet",
        [
            RepositoryLayout.ProgramPath("Silo"),
            "--Orleans:HostGateway=false",
            $"--Orleans:SiloPort={siloPort}",
            $"--Orleans:GatewayPort={orleansGatewayPort}",
            $"--urls=http://127.0.0.1:{siloHealth}",
            .. extraSiloArgs,
        ], EnvironmentOf(context, "silo"), Path.GetDirectoryName(RepositoryLayout.ProgramPath("Silo")));
        await WaitReadyAsync(silo, new Uri($"http://127.0.0.1:{siloHealth}/readyz"), ct);

        var adminToken = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var scheme = tls is null ? "http" : "https";
        var agentUrl = new Uri($"{scheme}://127.0.0.1:{FreePort.Next()}");
        var apiUrl = new Uri($"{scheme}://127.0.0.1:{FreePort.Next()}");
        var httpUrl = new Uri($"{scheme}://127.0.0.1:{FreePort.Next()}");
        string[] gatewayArgs =
        [
            RepositoryLayout.ProgramPath("Gateway"),
            $"--Orleans:GatewayPort={orleansGatewayPort}",
            "--Gateway:Id=bench-gw",
            $"--Gateway:AdminToken={adminToken}",
            $"--Gateway:AgentListenUrl={agentUrl}",
            $"--Gateway:ApiListenUrl={apiUrl}",
            $"--Gateway:HttpListenUrl={httpUrl}",
            "--Gateway:AllowInsecure=true",
            .. tls is null ? [] : new[] { $"--Gateway:TlsCertificateFile={tls.CertificateFile}", $"--Gateway:TlsKeyFile={tls.KeyFile}" },
            .. extraGatewayArgs,
        ];
        var gateway = context.Children.Start("gateway", "dotnet", gatewayArgs, EnvironmentOf(context, "gateway"), Path.GetDirectoryName(RepositoryLayout.ProgramPath("Gateway")));
        await WaitReadyAsync(gateway, new Uri(httpUrl, "/readyz"), ct, caFile: tls?.AuthorityFile);
        context.Log($"platform up: silo pid {silo.Id}, gateway pid {gateway.Id}{(tls is null ? "" : ", listeners on TLS")}");
        return new PlatformHost(context, silo, new Uri($"http://127.0.0.1:{siloHealth}"), gateway, gatewayArgs, agentUrl, apiUrl, httpUrl, adminToken,
            tls?.AuthorityFile);
    }

    /// <summary>
    /// Kills the gateway (as a crash would: no drain) and starts it again on the same ports; returns once it is ready, or
    /// after <paramref name="within"/> (a gateway under a reconnect storm may answer its probe late).
    /// </summary>
    public async Task RestartGatewayAsync(TimeSpan within, CancellationToken ct)
    {
        await Gateway.KillAsync();
        Gateway = _context.Children.Start("gateway", "dotnet", _gatewayArgs, EnvironmentOf(_context, "gateway"), Path.GetDirectoryName(RepositoryLayout.ProgramPath("Gateway")));
        await WaitReadyAsync(Gateway, new Uri(HttpUrl, "/readyz"), ct, within, CaFile);
    }

    /// <summary>Registers an agent and returns its token.</summary>
    public async Task<string> RegisterAgentAsync(string name, CancellationToken ct)
    {
        var response = await Api.RegisterAgentAsync(new RegisterAgentRequest { Name = name, Description = "benchmark" }, cancellationToken: ct);
        return response.Token.Token;
    }

    /// <summary>Starts a real AgentK process for a registered agent, forwarding to <paramref name="upstream"/>, and waits until it is ready.</summary>
    public async Task<ChildProcess> StartAgentAsync(string name, string token, Uri upstream, IEnumerable<string> extraArgs, CancellationToken ct)
    {
        var observability = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>(EnvironmentOf(_context, "agent")) { ["AGENTK_TOKEN"] = token };
        var native = _context.AgentExecutable;
        var agent = _context.Children.Start("agent", native ?? "dotnet",
        [
            .. native is null ? [RepositoryLayout.ProgramPath("AgentK")] : Array.Empty<string>(),
            $"--Agent:GatewayUrl={AgentUrl}",
            $"--Agent:InstanceId={name}-bench",
            $"--Agent:Upstream:Url={upstream}",
            "--Agent:Upstream:BearerTokenFile=",
            "--Agent:Upstream:CaFile=",
            $"--Agent:ObservabilityUrl={observability}",
            .. CaFile is null ? [] : new[] { $"--Agent:GatewayCaFile={CaFile}" },
            .. extraArgs,
        ], environment, Path.GetDirectoryName(RepositoryLayout.ProgramPath("AgentK")));
        await WaitReadyAsync(agent, new Uri(observability, "/readyz"), ct);
        return agent;
    }

    /// <summary>Issues a user token reaching <paramref name="agent"/> through <c>/k8s-proxy</c>, as the main application would.</summary>
    public async Task<string> IssueUserTokenAsync(string user, string agent, CancellationToken ct)
    {
        var response = await Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = user, Groups = { "bench" }, Agents = { agent } },
            cancellationToken: ct);
        return response.Token;
    }

    /// <summary>The base URL of an agent's cluster through the gateway's Kubernetes proxy route.</summary>
    public Uri KubernetesProxyUrl(string agent) => new(HttpUrl, $"/k8s-proxy/{agent}");

    /// <summary>A sentence on the errors the platform's processes logged, or null when there were none.</summary>
    public static string? ErrorSummary(IEnumerable<ChildProcess> processes)
    {
        var failing = processes.Where(p => p.ErrorLines > 0).ToList();
        return failing.Count == 0 ? null : "Errors logged by the product during the run: " + string.Join("; ", failing.Select(p =>
            $"{p.Name}: {p.ErrorLines} (last: `{p.LastErrorLine}`)")) + ".";
    }

    /// <summary>The URL of an agent's upstream path through the gateway's proxy route.</summary>
    public Uri ProxyUrl(string agent, string path = "") => new(HttpUrl, $"/agents/{agent}/proxy{path}");

    /// <inheritdoc />
    public void Dispose() => _apiChannel.Dispose();

    private static readonly Dictionary<string, string> ProductEnvironment = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
    };

    private static Dictionary<string, string> EnvironmentOf(ScenarioContext context, string process)
    {
        var environment = new Dictionary<string, string>(ProductEnvironment);
        foreach (var (name, value) in context.Runtime.EnvironmentFor(process))
        {
            environment[name] = value;
        }

        return environment;
    }

    private static SocketsHttpHandler HandlerTrusting(string? caFile)
    {
        var handler = new SocketsHttpHandler();
        if (caFile is not null)
        {
            handler.SslOptions.CertificateChainPolicy = LoadTarget.TrustOnly(caFile);
        }

        return handler;
    }

    private static async Task WaitReadyAsync(ChildProcess process, Uri probe, CancellationToken ct, TimeSpan? within = null, string? caFile = null)
    {
        using var http = new HttpClient(HandlerTrusting(caFile)) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (within ?? StartTimeout);
        while (true)
        {
            process.ThrowIfExited();
            try
            {
                using var response = await http.GetAsync(probe, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Listening but slow to answer while starting.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"{process.Name} was not ready at {probe} within {(within ?? StartTimeout).TotalSeconds} s. Output:\n{process.Output}"));
            }

            await Task.Delay(200, ct);
        }
    }
}
