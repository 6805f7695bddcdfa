using Microsoft.Extensions.Logging;
using Plural.KubeEmulator;

var options = new KubeEmulatorOptions { ConfigureLogging = l => l.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning) };
string? kubeconfig = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var port):
            options.Port = port;
            i++;
            break;
        case "--kubeconfig" when i + 1 < args.Length:
            kubeconfig = args[++i];
            break;
        case "--rbac=true" or "--rbac=false":
            options.Rbac = args[i] == "--rbac=true";
            break;
        case "--rbac" when i + 1 < args.Length && bool.TryParse(args[i + 1], out var rbac):
            options.Rbac = rbac;
            i++;
            break;
        case "--empty":
            options.Empty = true;
            break;
        case "--prometheus":
            options.Prometheus = true;
            break;
        case "--help" or "-h":
            Console.Write("""
                usage: Plural.KubeEmulator [--port <n>] [--kubeconfig <path>] [--empty] [--prometheus] [--rbac=false]

                A Kubernetes API server for development and tests: kubectl and client libraries work against it.
                  --port <n>           port on 127.0.0.1 (default: a free one, printed at start)
                  --kubeconfig <path>  write a kubeconfig for its admin user there
                  --empty              start without the sample workloads
                  --prometheus         seed monitoring/prometheus, a Prometheus-like service about the pods
                  --rbac=false         do not enforce RBAC (enforced by default, as a real API server does)
                  --version            print the version
                What it emulates and what not: docs/kube-emulator.md.

                """);
            return 0;
        case "--version":
            Console.WriteLine(Plural.Protocol.Hosting.BuildVersion.Current);
            return 0;
        default:
            Console.Error.WriteLine($"error: unknown or incomplete argument \"{args[i]}\"");
            Console.Error.WriteLine("Run 'Plural.KubeEmulator --help' for usage.");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.Cancel();
});

await using var server = await KubeEmulatorServer.StartAsync(options, stop.Token);
if (kubeconfig is not null) await server.WriteKubeconfigAsync(kubeconfig, ct: stop.Token);
Console.WriteLine($"KubeEmulator listening on {server.Url.GetLeftPart(UriPartial.Authority)}");
if (kubeconfig is not null) Console.WriteLine($"Kubeconfig written to {Path.GetFullPath(kubeconfig)}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // SIGINT or SIGTERM: shut down cleanly.
}
return 0;
