using System.Globalization;
using Plural.Bench.H2Relay;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

/// <summary>
/// The ceiling of a bulk path for large bodies: two .NET relays (the bench's own <c>h2-relay</c> mode) where the gateway
/// and the agent sit, the agent side dialling the gateway side over HTTP/2 prior knowledge and carrying each body as the
/// raw body of an HTTP/2 request or response, with the product's window settings and .NET HTTP stacks but none of its
/// logic (see <see cref="RelayGatewaySide"/>). Plain text only.
/// </summary>
public static class DotnetH2Relays
{
    /// <summary>The route's name in tables.</summary>
    public const string Name = "dotnet-h2";

    /// <summary>Starts both sides, the gateway side first, and waits until the agent side's notice stream is open.</summary>
    public static async Task<Route> StartAsync(ScenarioContext context, Upstream upstream, CancellationToken ct)
    {
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var callerPort = FreePort.Next();
        var agentPort = FreePort.Next();
        // They stand where the gateway and the agent stand, so they run with those processes' runtime settings.
        var gatewaySide = context.Children.Start($"{Name} (gateway side)", "dotnet",
        [
            context.BenchAssembly, "h2-relay", "gateway",
            "--caller-port", callerPort.ToString(CultureInfo.InvariantCulture),
            "--agent-port", agentPort.ToString(CultureInfo.InvariantCulture),
            "--parent", parent,
        ], context.Runtime.EnvironmentFor("gateway"));
        await PortProbe.WaitListeningAsync(callerPort, gatewaySide, TimeSpan.FromSeconds(30), ct);
        await PortProbe.WaitListeningAsync(agentPort, gatewaySide, TimeSpan.FromSeconds(30), ct);

        var agentSide = context.Children.Start($"{Name} (agent side)", "dotnet",
        [
            context.BenchAssembly, "h2-relay", "agent",
            "--gateway", $"http://127.0.0.1:{agentPort.ToString(CultureInfo.InvariantCulture)}",
            "--upstream", upstream.Url.ToString(),
            "--parent", parent,
        ], context.Runtime.EnvironmentFor("agent"));
        await agentSide.WaitForOutputAsync(RelayAgentSide.ConnectedLine, TimeSpan.FromSeconds(30), ct);
        context.Log($"dotnet-h2 relays up: :{callerPort} -> gateway side -h2c :{agentPort}-> agent side -> upstream :{upstream.Port}");
        return new Route(Name, $"http://127.0.0.1:{callerPort.ToString(CultureInfo.InvariantCulture)}", null, [gatewaySide, agentSide]);
    }
}
