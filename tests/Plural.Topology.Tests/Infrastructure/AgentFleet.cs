using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.AgentK;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// Many real agents (the AgentK library, as the dev mode hosts it) in the test process, all dialing one address
/// behind a load balancer. The informer cache is off: the upstream is an echo server, not a Kubernetes API.
/// </summary>
internal sealed class AgentFleet : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private AgentFleet(IReadOnlyList<string> names) => Names = names;

    public IReadOnlyList<string> Names { get; }

    public static async Task<AgentFleet> StartAsync(ServerApi.ServerApiClient api, int count, Uri gateway, Uri upstream, string prefix)
    {
        var registered = new List<(string Name, string Token)>();
        foreach (var i in Enumerable.Range(0, count))
        {
            var name = $"{prefix}-{i:00}";
            registered.Add((name, await AgentRegistration.RegisterAsync(api, name)));
        }

        var fleet = new AgentFleet([.. registered.Select(r => r.Name)]);
        foreach (var (name, token) in registered)
        {
            var host = BuildAgent(name, token, gateway, upstream);
            fleet._hosts.Add(host);
            await host.StartAsync();
        }

        return fleet;
    }

    /// <summary>One agent host, not started; <paramref name="extra"/> adds or overrides settings.</summary>
    public static IHost BuildAgent(string name, string token, Uri gateway, Uri upstream, IDictionary<string, string?>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?>
        {
            ["Agent:GatewayUrl"] = gateway.ToString(),
            ["Agent:Token"] = token,
            ["Agent:InstanceId"] = name + "-pod",
            ["Agent:Upstream:Url"] = upstream.ToString(),
            ["Agent:ObservabilityUrl"] = "",
            ["Agent:Cache:Enabled"] = "false",
            ["Agent:Tunnels:MinIdle"] = "2",
            ["Agent:Reconnect:InitialBackoff"] = "00:00:00.200",
            ["Agent:Reconnect:MaxBackoff"] = "00:00:02",
            ["Agent:ShutdownGracePeriod"] = "00:00:02",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAgentK(builder.Configuration);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_hosts.Select(async h =>
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await h.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            h.Dispose();
        }));
    }
}
