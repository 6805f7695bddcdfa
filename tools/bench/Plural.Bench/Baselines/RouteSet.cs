using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;
using Plural.Testing.Certificates;

namespace Plural.Bench.Baselines;

/// <summary>
/// One upstream and every way to reach it: directly, through the tunnel (silo, gateway, a real AgentK),
/// through <c>ssh -R</c>, through an nghttpx chain and through two .NET relays with raw HTTP/2 between them.
/// A baseline whose program cannot be installed is left out.
/// </summary>
public sealed class RouteSet : IDisposable
{
    private const string SharedAgent = "bench-agent";

    /// <summary>The routes the small-GET scenario compares by default: the tunnel's and its alternatives.</summary>
    public const string ComparedNames = "direct,tunnel,tunnel-pool,k8s-proxy,ssh,nghttpx";

    /// <summary>
    /// Route names accepted by the <c>routes</c> option: the compared ones and <c>dotnet-h2</c>, the ceiling of a bulk path
    /// for large bodies, which is a design study rather than an alternative, so it runs only when named.
    /// </summary>
    public const string AllNames = ComparedNames + "," + DotnetH2Relays.Name;

    /// <summary>What <c>kubectl get</c> sends: a table if the server can make one, and its own name.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> KubectlHeaders =
    [
        new("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"),
        new("User-Agent", "kubectl/v1.31.0 (linux/amd64) kubernetes/a7e2ec4"),
    ];

    /// <summary>Idle tunnels the <c>tunnel-pool</c> route's agent keeps open (AgentK's default is 2).</summary>
    public const int PoolMinIdle = 64;

    private RouteSet(Upstream upstream, PlatformHost? platform, IReadOnlyList<Route> routes, IReadOnlyList<string> skipped)
    {
        Upstream = upstream;
        Platform = platform;
        Routes = routes;
        Skipped = skipped;
    }

    /// <summary>The upstream all routes end at.</summary>
    public Upstream Upstream { get; }

    /// <summary>The platform, when the tunnel route is selected.</summary>
    public PlatformHost? Platform { get; }

    /// <summary>The routes that started, in the order asked.</summary>
    public IReadOnlyList<Route> Routes { get; }

    /// <summary>Baselines that could not be started, with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Starts the upstream and the routes named in <paramref name="names"/> (comma-separated), in plain text.</summary>
    public static Task<RouteSet> StartAsync(ScenarioContext context, string names, IEnumerable<string> extraGatewayArgs, CancellationToken ct) =>
        StartAsync(context, names, extraGatewayArgs, SecurityProfile.Plain, ct);

    /// <summary>Starts the upstream and the routes named in <paramref name="names"/> (comma-separated) in <paramref name="profile"/>.</summary>
    public static async Task<RouteSet> StartAsync(ScenarioContext context, string names, IEnumerable<string> extraGatewayArgs, SecurityProfile profile,
        CancellationToken ct)
    {
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Except(AllNames.Split(',')).ToArray();
        if (unknown.Length > 0 || wanted.Length == 0)
        {
            throw new BenchUsageException($"--routes: unknown route(s) '{string.Join(",", unknown)}'; choose from {AllNames}");
        }

        var upstream = await Upstream.StartAsync(context, ct);
        var tls = profile == SecurityProfile.Tls ? await WriteCertificatesAsync(context) : null;
        PlatformHost? platform = null;
        ChildProcess? sharedAgent = null;
        List<Route> routes = [];
        List<string> skipped = [];
        foreach (var name in wanted)
        {
            switch (name)
            {
                case "direct":
                    routes.Add(new Route("direct", upstream.Url.ToString().TrimEnd('/'), null, []));
                    break;
                case "tunnel":
                    platform ??= await PlatformHost.StartAsync(context, extraGatewayArgs, [], tls, ct);
                    sharedAgent ??= await StartAgentAsync(platform, SharedAgent, []);
                    routes.Add(new Route("tunnel", platform.ProxyUrl(SharedAgent).ToString(), "Bearer " + platform.AdminToken,
                        [platform.Gateway, sharedAgent, platform.Silo]) { CaFile = tls?.AuthorityFile });
                    break;
                case "tunnel-pool":
                    platform ??= await PlatformHost.StartAsync(context, extraGatewayArgs, [], tls, ct);
                    // The second tunnel route differs only in a pool sized for the load, to show what idle streams buy.
                    var pooled = await StartAgentAsync(platform, "bench-agent-pool",
                        [$"--Agent:Tunnels:MinIdle={PoolMinIdle}", $"--Agent:Tunnels:ScaleUpStep={PoolMinIdle}"]);
                    routes.Add(new Route($"tunnel, {PoolMinIdle} idle", platform.ProxyUrl("bench-agent-pool").ToString(), "Bearer " + platform.AdminToken,
                        [platform.Gateway, pooled, platform.Silo]) { CaFile = tls?.AuthorityFile });
                    break;
                case "k8s-proxy":
                    // The route kubectl takes: a user token (JWT check, audit, impersonation at the agent) on the same agent
                    // as the tunnel route, so the two routes' CPU per request differ only in what the gateway does.
                    platform ??= await PlatformHost.StartAsync(context, extraGatewayArgs, [], tls, ct);
                    sharedAgent ??= await StartAgentAsync(platform, SharedAgent, []);
                    var userToken = await platform.IssueUserTokenAsync("bench-user", SharedAgent, ct);
                    routes.Add(new Route("k8s-proxy", platform.KubernetesProxyUrl(SharedAgent).ToString(), "Bearer " + userToken,
                        [platform.Gateway, sharedAgent, platform.Silo])
                    {
                        Headers = KubectlHeaders,
                        CaFile = tls?.AuthorityFile,
                        // kubectl speaks HTTP/2 wherever TLS lets it negotiate it; wrk cannot.
                        Http2Only = tls is not null,
                    });
                    break;
                case "ssh":
                    AddOrSkip(await SshReverseTunnel.StartAsync(context, upstream, ct), "ssh -R (openssh-server could not be installed)");
                    break;
                case "nghttpx":
                    AddOrSkip(await NghttpxChain.StartAsync(context, upstream, tls, ct), "nghttpx (nghttp2-proxy could not be installed)");
                    break;
                case DotnetH2Relays.Name:
                    // The bulk path it stands for was asked for in plain text (h2c); a TLS variant would be a design of its own.
                    AddOrSkip(tls is null ? await DotnetH2Relays.StartAsync(context, upstream, ct) : null,
                        $"{DotnetH2Relays.Name} (plain text only; run it with --profile plain)");
                    break;
            }
        }

        return new RouteSet(upstream, platform, routes, skipped);

        async Task<ChildProcess> StartAgentAsync(PlatformHost host, string agent, string[] agentArgs)
        {
            var token = await host.RegisterAgentAsync(agent, ct);
            return await host.StartAgentAsync(agent, token, upstream.Url, agentArgs, ct);
        }

        void AddOrSkip(Route? route, string reason)
        {
            if (route is null)
            {
                skipped.Add(reason);
            }
            else
            {
                routes.Add(route);
            }
        }
    }

    private static Task<GatewayCertificates> WriteCertificatesAsync(ScenarioContext context)
    {
        var directory = Path.Combine(context.ScratchDirectory, "tls");
        Directory.CreateDirectory(directory);
        return GatewayCertificates.WriteAsync(directory);
    }

    /// <summary>A sentence on errors the product's processes logged, or null.</summary>
    public string? ErrorSummary() =>
        PlatformHost.ErrorSummary(Routes.SelectMany(r => r.Components).Distinct());

    /// <inheritdoc />
    public void Dispose() => Platform?.Dispose();
}
