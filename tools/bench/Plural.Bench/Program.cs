using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Plural.Bench.H2Relay;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

// Internal mode: the upstream server every route ends at, started by the bench itself.
if (args is ["upstream", "--port", var portText, "--parent", var parentText])
{
    using var stop = new CancellationTokenSource();
    _ = WatchParentAsync(int.Parse(parentText, CultureInfo.InvariantCulture), stop);
    // Lean: nothing recorded, uploads only counted, HTTP/1.1 as every route speaks it.
    await using var upstream = await UpstreamServer.StartAsync(new UpstreamServerOptions
    {
        Port = int.Parse(portText, CultureInfo.InvariantCulture),
        RecordRequests = false,
        HashUploads = false,
        Http1Only = true,
    });
    await UntilCancelledAsync(stop.Token);
    return 0;
}

// Internal mode: the git-polling scenario's Git server (git http-backend behind a CGI host), in a process of its own.
if (args is ["git-server", "--root", var gitRoot, "--port", var gitPortText, "--parent", var gitParentText])
{
    using var stop = new CancellationTokenSource();
    _ = WatchParentAsync(int.Parse(gitParentText, CultureInfo.InvariantCulture), stop);
    await using var gitServer = await GitHttpServer.StartAsync(gitRoot, int.Parse(gitPortText, CultureInfo.InvariantCulture));
    await UntilCancelledAsync(stop.Token);
    return 0;
}

// Internal mode: one end of the dotnet-h2 route (two .NET relays with raw HTTP/2 between them), in a process of its own.
if (args is ["h2-relay", .. var relayArgs, "--parent", var relayParentText])
{
    using var stop = new CancellationTokenSource();
    _ = WatchParentAsync(int.Parse(relayParentText, CultureInfo.InvariantCulture), stop);
    return await H2RelayCommand.TryRunAsync(relayArgs, stop.Token) ? 0 : 2;
}

// 10,000 agents are 10,000 sockets in this process and in the gateway; children inherit the limit.
FileLimits.Raise(65_536);
using var cancel = new CancellationTokenSource();
var interrupts = 0;
void OnSignal(PosixSignalContext signal)
{
    signal.Cancel = true;
    if (Interlocked.Increment(ref interrupts) > 1)
    {
        ChildProcesses.KillEverything();
        Environment.Exit(130);
    }

    Console.Error.WriteLine("stopping (again to stop at once)...");
    cancel.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcesses.KillEverything();
try
{
    return await BenchRunner.RunAsync(args, cancel.Token);
}
finally
{
    ChildProcesses.KillEverything();
}

static async Task UntilCancelledAsync(CancellationToken ct)
{
    try
    {
        await Task.Delay(Timeout.Infinite, ct);
    }
    catch (OperationCanceledException)
    {
        // The bench is done with it.
    }
}

// The upstream has no reason to outlive the bench, even one killed with SIGKILL.
static async Task WatchParentAsync(int parent, CancellationTokenSource stop)
{
    while (true)
    {
        await Task.Delay(1000);
        try
        {
            using var process = Process.GetProcessById(parent);
            if (process.HasExited)
            {
                break;
            }
        }
        catch (ArgumentException)
        {
            break;
        }
    }

    await stop.CancelAsync();
}
