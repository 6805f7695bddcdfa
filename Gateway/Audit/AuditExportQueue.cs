using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Records on their way to the JSON-lines export: bounded, and a record that finds it full is dropped and counted
/// (metric <c>plural_gateway_audit_records_dropped{copy="export"}</c>, and a warning when the writer catches up), so
/// that a request never waits for the export's disk or pipe. Holds nothing when the export is off.
/// </summary>
internal sealed class AuditExportQueue
{
    private readonly Channel<AuditEvent>? _queue;
    private readonly GatewayMetrics _metrics;
    private long _dropped;

    /// <summary>Creates the queue when <see cref="AuditOptions.Export"/> is on.</summary>
    public AuditExportQueue(IOptions<AuditOptions> options, GatewayMetrics metrics)
    {
        _metrics = metrics;
        var settings = options.Value;
        if (settings.Export != AuditExportTarget.None)
        {
            _queue = Channel.CreateBounded<AuditEvent>(
                new BoundedChannelOptions(settings.ExportQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
                _ => Dropped());
        }
    }

    /// <summary>Records dropped so far because the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    internal ChannelReader<AuditEvent>? Reader => _queue?.Reader;

    /// <summary>Queues <paramref name="e"/> for the export; never blocks.</summary>
    public void TryAdd(AuditEvent e) => _queue?.Writer.TryWrite(e);

    /// <summary>No more records: the exporter writes what is queued and stops.</summary>
    public void Complete() => _queue?.Writer.TryComplete();

    /// <summary>Counts a record lost on the way out (queue full, or a write that failed).</summary>
    public void Dropped()
    {
        Interlocked.Increment(ref _dropped);
        _metrics.RecordAuditDropped(GatewayMetrics.AuditCopyExport);
    }
}
