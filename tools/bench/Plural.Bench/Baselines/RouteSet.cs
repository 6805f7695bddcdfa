using Plural.Bench.Platform;
using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

/// <summary>
/// One upstream and every way to reach it: directly, through the tunnel (silo, gateway, a real AgentK),
/// through <c>ssh -R</c> and through an nghttpx chain. A baseline whose program cannot be installed is left out.
/// </summary>
public sealed class RouteSet : IDisposable
{
    /// <summary>Route names accepted by the <c>routes</c> option.</summary>
    public const string AllNames = "direct,tunnel,tunnel-pool,ssh,nghttpx";

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

    /// <summary>Starts the upstream and the routes named in <paramref name="names"/> (comma-separated).</summary>
    public static async Task<RouteSet> StartAsync(ScenarioContext context, string names, IEnumerable<string> extraGatewayArgs, CancellationToken ct)
    {
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Except(AllNames.Split(',')).ToArray();
        if (unknown.Length > 0 || wanted.Length == 0)
        {
            throw new BenchUsageException($"--routes: unknown route(s) '{string.Join(",", unknown)}'; choose from {AllNames}");
        }

        var upstream = await Upstream.StartAsync(context, ct);
        PlatformHost? platform = null;
        List<Route> routes = [];
        List<string> skipped = [];
        foreach (var name in wanted)
        {
            switch (name)
            {
                case "direct":
                    routes.Add(new Route("direct", upstream.Url.ToString().TrimEnd('/'), null, []));
                    break;
                case "tunnel" or "tunnel-pool":
                    platform ??= await PlatformHost.StartAsync(context, extraGatewayArgs, ct);
                    var agent = name == "tunnel" ? "bench-agent" : "bench-agent-pool";
                    var token = await platform.RegisterAgentAsync(agent, ct);
                    // The second tunnel route differs only in a pool sized for the load, to show what idle streams buy.
                    string[] agentArgs = name == "tunnel" ? [] : [$"--Agent:Tunnels:MinIdle={PoolMinIdle}", $"--Agent:Tunnels:ScaleUpStep={PoolMinIdle}"];
                    var agentProcess = await platform.StartAgentAsync(agent, token, upstream.Url, agentArgs, ct);
                    routes.Add(new Route(name == "tunnel" ? "tunnel" : $"tunnel, {PoolMinIdle} idle", platform.ProxyUrl(agent).ToString(),
                        "Bearer " + platform.AdminToken, [platform.Gateway, agentProcess, platform.Silo]));
                    break;
                case "ssh":
                    AddOrSkip(await SshReverseTunnel.StartAsync(context, upstream, ct), "ssh -R (openssh-server could not be installed)");
                    break;
                case "nghttpx":
                    AddOrSkip(await NghttpxChain.StartAsync(context, upstream, ct), "nghttpx (nghttp2-proxy could not be installed)");
                    break;
            }
        }

        return new RouteSet(upstream, platform, routes, skipped);

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

    /// <summary>A sentence on errors the product's processes logged, or null.</summary>
    public string? ErrorSummary() =>
        PlatformHost.ErrorSummary(Routes.SelectMany(r => r.Components).Distinct());

    /// <inheritdoc />
    public void Dispose() => Platform?.Dispose();
}
