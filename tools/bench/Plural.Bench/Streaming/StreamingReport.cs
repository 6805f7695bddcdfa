using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Streaming;

/// <summary>Turns the transfers into tables (median per route and direction), ratios and notes.</summary>
public static class StreamingReport
{
    /// <summary>Builds the report.</summary>
    public static ScenarioReport Build(IReadOnlyList<Transfer> transfers, long size, int repeat, IReadOnlyList<string> skipped)
    {
        var report = new ScenarioReport
        {
            Method =
                $"One {Quantity.FormatSize(size)} body per transfer: `GET /bytes/{size}` (download) and `POST /upload` with a " +
                $"Content-Length (upload), {repeat} times per route and direction, one at a time, the routes interleaved, over HTTP/1.1 from the bench's own " +
                "client; the median transfer is reported. Bodies are generated from a reused buffer on both ends and only counted, " +
                "so the figures are about the route. Resident memory (RSS, including child processes) of every process on the route " +
                "is sampled every 100 ms; \"growth\" is the peak minus the value just before the transfer. CPU is user+system " +
                "seconds per GiB moved. Same routes as the small-GET scenario.",
        };
        var medians = transfers.GroupBy(t => (t.Route, t.Direction))
            .Select(g => g.OrderBy(t => t.Seconds).ElementAt(g.Count() / 2))
            .ToList();
        var gib = (double)size / (1L << 30);
        var table = new ResultTable("Throughput and memory (median transfer)",
            "route", "direction", "MiB/s", "vs direct", "seconds", "peak RSS (growth), MiB", "CPU s per GiB");
        foreach (var t in medians)
        {
            var direct = medians.FirstOrDefault(m => m.Route == "direct" && m.Direction == t.Direction);
            table.Add(t.Route, t.Direction, Format.Count(t.MibPerSecond),
                direct is null ? "" : Format.Ratio(t.MibPerSecond / direct.MibPerSecond),
                Format.One(t.Seconds),
                string.Join(", ", t.Processes.Select(p => $"{p.Component} {Format.MiB(p.PeakRssBytes)} (+{Format.MiB(Math.Max(0, p.PeakRssBytes - p.RssBeforeBytes))})")),
                string.Join(", ", t.Processes.Select(p => $"{p.Component} {p.CpuSeconds / gib:0.00}")));
        }

        report.Tables.Add(table);
        report.Tables.Add(HopCpuTable(medians, gib));
        var all = new ResultTable("Every transfer", "route", "direction", "MiB/s", "seconds");
        foreach (var t in transfers)
        {
            all.Add(t.Route, t.Direction, Format.Count(t.MibPerSecond), Format.One(t.Seconds));
        }

        report.Tables.Add(all);
        foreach (var tunnel in medians.Where(m => m.Route == "tunnel"))
        {
            foreach (var other in medians.Where(m => m.Route != "tunnel" && m.Direction == tunnel.Direction))
            {
                report.Ratios[$"tunnel / {other.Route} throughput, {tunnel.Direction}"] = tunnel.MibPerSecond / other.MibPerSecond;
            }
        }

        foreach (var tunnel in medians.Where(m => m.Route == "tunnel"))
        {
            var direct = medians.FirstOrDefault(m => m.Route == "direct" && m.Direction == tunnel.Direction);
            if (direct is null || tunnel.MibPerSecond >= direct.MibPerSecond / 2)
            {
                continue;
            }

            var ssh = medians.FirstOrDefault(m => m.Route == "ssh -R" && m.Direction == tunnel.Direction);
            string Cpu(Transfer t) => string.Join(", ", t.Processes.Select(p => $"{p.Component} {p.CpuSeconds / gib:0.00}"));
            report.Notes.Add(
                $"**Where the time goes ({tunnel.Direction}).** The tunnel moved {Format.Count(tunnel.MibPerSecond)} MiB/s, {Format.Ratio(tunnel.MibPerSecond / direct.MibPerSecond)} direct. " +
                $"CPU seconds per GiB: tunnel {Cpu(tunnel)}; direct {Cpu(direct)}" + (ssh is null ? ". " : $"; ssh -R {Cpu(ssh)}. ") +
                RelativeCpu(tunnel, medians) +
                "Every 64 KiB chunk is read into a pooled buffer and sent as one gRPC message that wraps it (gRPC copies it once into " +
                "its HTTP/2 frames), then read on the other side into an array rented from the shared pool and copied out again, on " +
                "both the gateway and the agent (the next chunk is read while the previous frame is written, one frame in flight per " +
                "direction); with TLS, each byte is also encrypted and decrypted on both of the gateway's connections. Frames of " +
                "256 KiB were measured no cheaper per byte (results/2026-12-07-streaming-pooled-receive.md). A bulk path that carries " +
                "large bodies outside protobuf framing was measured at its ceiling (route dotnet-h2, " +
                "results/2026-12-07-streaming-bulk-ceiling.md): 0.79–0.87× the tunnel's CPU per byte.");
        }

        foreach (var reason in skipped)
        {
            report.Notes.Add($"Skipped: {reason}.");
        }

        report.Data = transfers;
        return report;
    }

    /// <summary>
    /// The two processes every route but direct puts between client and upstream (gateway and agent, sshd and ssh, both
    /// nghttpx, both .NET relays), summed: the figure a design is judged by, without the upstream and the silo.
    /// </summary>
    private static ResultTable HopCpuTable(IReadOnlyList<Transfer> medians, double gib)
    {
        var table = new ResultTable("CPU between client and upstream (median transfer, every process of the route but upstream and silo)",
            "route", "direction", "MiB/s", "CPU s per GiB, together", "CPU s per GiB, each");
        foreach (var t in medians.Where(m => m.Route != "direct"))
        {
            table.Add(t.Route, t.Direction, Format.Count(t.MibPerSecond), $"{ProxyCpu(t) / gib:0.00}",
                string.Join(", ", ProxyProcesses(t).Select(p => $"{p.Component} {p.CpuSeconds / gib:0.00}")));
        }

        return table;
    }

    private static IEnumerable<TransferProcess> ProxyProcesses(Transfer t) => t.Processes.Where(p => p.Component is not ("upstream" or "silo"));

    private static double ProxyCpu(Transfer t) => ProxyProcesses(t).Sum(p => p.CpuSeconds);

    /// <summary>How the CPU per byte of the gateway and agent compares with the proxies of the other routes.</summary>
    private static string RelativeCpu(Transfer tunnel, IReadOnlyList<Transfer> medians)
    {
        var comparisons = medians
            .Where(m => m.Direction == tunnel.Direction && m.Route is not ("tunnel" or "direct") && ProxyCpu(m) > 0)
            .Select(m => $"{Format.Ratio(ProxyCpu(tunnel) / ProxyCpu(m))} that of {m.Route}'s two processes")
            .ToList();
        return comparisons.Count == 0 ? "" : $"Gateway and agent together use {string.Join(" and ", comparisons)} per byte. ";
    }
}
