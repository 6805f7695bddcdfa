using System.Net.Http.Json;
using System.Text.Json;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>An AgentK process with a short idle time and fast reconnects, and its status endpoint.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private static readonly HttpClient StatusClient = new() { Timeout = TimeSpan.FromSeconds(5) };

    private AgentProcess(ProductProcess process, Uri statusUrl)
    {
        Process = process;
        StatusUrl = statusUrl;
    }

    public ProductProcess Process { get; }

    public Uri StatusUrl { get; }

    private const string MinIdleOption = "--Agent:Tunnels:MinIdle=";

    private static string MinIdle(IEnumerable<string> args) =>
        args.LastOrDefault(a => a.StartsWith(MinIdleOption, StringComparison.Ordinal))?[MinIdleOption.Length..] ?? "2";

    /// <summary>
    /// Starts AgentK for <paramref name="agent"/>: the build output on the JIT, or the natively published
    /// <paramref name="executable"/> (the agent as its image ships it).
    /// </summary>
    public static AgentProcess Start(RegisteredAgent agent, Uri gateway, Uri upstream, IEnumerable<string> extraArgs,
        IEnumerable<KeyValuePair<string, string>>? environment = null, string? executable = null)
    {
        var observability = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        string[] args =
        [
            $"--Agent:GatewayUrl={gateway}",
            $"--Agent:Token={agent.Token}",
            $"--Agent:InstanceId={agent.Name}-pod",
            $"--Agent:Upstream:Url={upstream}",
            $"--Agent:ObservabilityUrl={observability}",
            "--Agent:Tunnels:MaxIdleTime=00:00:02",
            // Tests read the pool at its minimum (two unless they set it); with two-second idle times a quiet agent
            // would drop below that.
            $"--Agent:Tunnels:QuietMinIdle={MinIdle(extraArgs)}",
            "--Agent:Reconnect:InitialBackoff=00:00:00.200",
            "--Agent:Reconnect:MaxBackoff=00:00:01",
            .. extraArgs,
        ];
        var name = "AgentK " + agent.Name;
        var process = executable is null
            ? ProductProcess.Start("AgentK", args, name: name, environment: environment)
            : ProductProcess.StartExecutable(executable, args, name, environment);
        return new AgentProcess(process, new Uri(observability, "/status"));
    }

    public async Task<JsonElement> StatusAsync() => await StatusClient.GetFromJsonAsync<JsonElement>(StatusUrl);

    public async Task<int> TotalTunnelsAsync() => (await StatusAsync()).GetProperty("totalTunnels").GetInt32();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
