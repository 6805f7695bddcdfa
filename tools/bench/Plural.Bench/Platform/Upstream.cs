using System.Globalization;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Platform;

/// <summary>A running upstream process and its address.</summary>
public sealed class Upstream
{
    private Upstream(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    /// <summary>The upstream process.</summary>
    public ChildProcess Process { get; }

    /// <summary>Its loopback port.</summary>
    public int Port { get; }

    /// <summary>Its base URL.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts an upstream process from the bench's own build and waits until it listens.</summary>
    public static async Task<Upstream> StartAsync(ScenarioContext context, CancellationToken ct)
    {
        var port = FreePort.Next();
        var process = context.Children.Start("upstream", "dotnet",
            [context.BenchAssembly, "upstream", "--port", port.ToString(CultureInfo.InvariantCulture), "--parent", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
            context.Runtime.EnvironmentFor("upstream"));
        await PortProbe.WaitListeningAsync(port, process, TimeSpan.FromSeconds(30), ct);
        return new Upstream(process, port);
    }
}
