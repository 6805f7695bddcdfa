using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Why a running .NET process collects: attaches to it over the runtime's diagnostics port for a while and prints
// every collection's generation, kind and reason, and which types it allocated on the large-object heap (the
// runtime's allocation ticks, one per about 100 KB allocated). Usage: gc-reasons <pid> [seconds].
if (args.Length < 1 || !int.TryParse(args[0], out var pid))
{
    Console.Error.WriteLine("usage: gc-reasons <pid> [seconds]");
    return 2;
}

var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 20;
var client = new DiagnosticsClient(pid);
var gcKeywords = (long)(ClrTraceEventParser.Keywords.GC);
using var session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, gcKeywords)],
    requestRundown: false);
using var source = new EventPipeEventSource(session.EventStream);

var collections = new Dictionary<(int Gen, string Type, string Reason), int>();
var largeTypes = new Dictionary<string, (long Bytes, int Ticks)>();
var smallBytes = 0L;
var largeBytes = 0L;
source.Clr.GCStart += e =>
{
    var key = (e.Depth, e.Type.ToString(), e.Reason.ToString());
    collections[key] = collections.GetValueOrDefault(key) + 1;
};
source.Clr.GCAllocationTick += e =>
{
    if (e.AllocationKind == GCAllocationKind.Large)
    {
        largeBytes += e.AllocationAmount64;
        var (bytes, ticks) = largeTypes.GetValueOrDefault(e.TypeName ?? "?");
        largeTypes[e.TypeName ?? "?"] = (bytes + e.AllocationAmount64, ticks + 1);
    }
    else
    {
        smallBytes += e.AllocationAmount64;
    }
};

var processing = Task.Run(source.Process);
await Task.Delay(TimeSpan.FromSeconds(seconds));
session.Stop();
await processing;

Console.WriteLine($"process {pid}, {seconds} s");
Console.WriteLine("| generation | kind | reason | collections | per second |");
Console.WriteLine("|---:|---|---|---:|---:|");
foreach (var ((gen, type, reason), count) in collections.OrderByDescending(c => c.Key.Gen).ThenByDescending(c => c.Value))
{
    Console.WriteLine($"| {gen} | {type} | {reason} | {count} | {count / (double)seconds:0.00} |");
}

Console.WriteLine();
Console.WriteLine($"allocated (sampled by ticks): small-object heap {smallBytes / 1e6:0.0} MB, large-object heap {largeBytes / 1e6:0.0} MB");
Console.WriteLine("| large-object type | MB | ticks |");
Console.WriteLine("|---|---:|---:|");
foreach (var (type, (bytes, ticks)) in largeTypes.OrderByDescending(t => t.Value.Bytes).Take(15))
{
    Console.WriteLine($"| {type} | {bytes / 1e6:0.0} | {ticks} |");
}

return 0;
