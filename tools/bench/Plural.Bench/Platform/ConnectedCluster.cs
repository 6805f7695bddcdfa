using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Plural.Bench.Processes;
using Plural.Bench.Runner;
using Plural.KubeEmulator;
using Plural.Protocol.Server;

namespace Plural.Bench.Platform;

/// <summary>
/// An emulated cluster with its sample workloads (plain HTTP on loopback, inside the bench process), a silo and
/// a gateway, and one real AgentK process watching the emulator, connected and its informer cache synced.
/// </summary>
public sealed class ConnectedCluster : IAsyncDisposable
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(90);

    private readonly EmulatedCluster _cluster;

    private ConnectedCluster(EmulatedCluster cluster, PlatformHost platform, string agentName, ChildProcess agent)
    {
        _cluster = cluster;
        Platform = platform;
        AgentName = agentName;
        Agent = agent;
    }

    /// <summary>The API server stand-in.</summary>
    public KubeEmulatorServer Emulator => _cluster.Server;

    /// <summary>Silo and gateway.</summary>
    public PlatformHost Platform { get; }

    /// <summary>The registered agent's name.</summary>
    public string AgentName { get; }

    /// <summary>The AgentK process.</summary>
    public ChildProcess Agent { get; }

    /// <summary>Starts everything and waits until the agent's cache has listed the emulator's namespaces.</summary>
    public static Task<ConnectedCluster> StartAsync(ScenarioContext context, IEnumerable<string> agentArgs, CancellationToken ct) =>
        StartAsync(context, agentArgs, [], ct);

    /// <summary>The same with extra silo configuration (<c>--Git:PollInterval=...</c>).</summary>
    public static Task<ConnectedCluster> StartAsync(ScenarioContext context, IEnumerable<string> agentArgs, IEnumerable<string> siloArgs,
        CancellationToken ct) =>
        StartAsync(context, _ => agentArgs, siloArgs, ct);

    /// <summary>The same with agent settings that depend on the running platform (a relay in front of its agent listener).</summary>
    public static async Task<ConnectedCluster> StartAsync(ScenarioContext context, Func<PlatformHost, IEnumerable<string>> agentArgsFor,
        IEnumerable<string> siloArgs, CancellationToken ct)
    {
        var emulated = await EmulatedCluster.StartAsync(options =>
        {
            options.Empty = false;
            options.UseTls = false;
            options.ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning);
        }, ct);
        var platform = await PlatformHost.StartAsync(context, [], siloArgs, ct);
        var name = "cluster-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var token = await platform.RegisterAgentAsync(name, ct);
        var agent = await platform.StartAgentAsync(name, token, emulated.Server.Url, [$"--Agent:Upstream:BearerTokenFile={emulated.TokenFile}", .. agentArgsFor(platform)], ct);
        var cluster = new ConnectedCluster(emulated, platform, name, agent);
        await cluster.WaitForCacheAsync(ct);
        context.Log($"emulator at {emulated.Server.Url}, agent {name} connected and synced");
        return cluster;
    }

    /// <summary>An HTTP client of the emulator with its admin token, as a client talking to the API server directly.</summary>
    public HttpClient DirectClient() => new() { BaseAddress = Emulator.Url, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Emulator.AdminToken) } };

    /// <summary>Creates a namespace in the emulator; the agent's informer sees it as an addition.</summary>
    public async Task CreateNamespaceAsync(HttpClient direct, string name, CancellationToken ct)
    {
        using var body = new StringContent("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await direct.PostAsync("/api/v1/namespaces", body, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Platform.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task WaitForCacheAsync(CancellationToken ct)
    {
        // The namespaces informer fills its store only by its first list (or watch events after it), so seeing the
        // emulator's namespaces in a cached answer means changes from now on arrive as events.
        var deadline = DateTime.UtcNow + SyncTimeout;
        while (true)
        {
            try
            {
                var answer = await Platform.Api.QueryClusterAsync(new QueryClusterRequest
                {
                    Name = AgentName,
                    Query = new ClusterQuery { Kind = "namespaces", CountOnly = true },
                }, cancellationToken: ct);
                if (answer.Count >= 4)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                // Not connected or not synced yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"agent {AgentName} did not sync its cache within {SyncTimeout}. Output:\n{Agent.Output}");
            }

            await Task.Delay(200, ct);
        }
    }
}
