using System.Text;
using Microsoft.Extensions.Options;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Writes queued audit records as JSON lines (<see cref="AuditJsonLine"/>) to stdout or appends them to a file, for a
/// log shipper. The target is opened at start, so a file that cannot be written fails the start instead of losing
/// records later. A failed write loses that batch from the export only (counted like a full queue); the log has it.
/// </summary>
internal sealed partial class AuditExporter(AuditExportQueue queue, IOptions<AuditOptions> options, ILogger<AuditExporter> logger)
    : BackgroundService
{
    // Cancelled only when shutdown's own deadline passes: until then the queue drains, so that records of the last
    // requests are not lost to the stopping token BackgroundService fires at once.
    private readonly CancellationTokenSource _abandon = new();
    private TextWriter? _target;
    private bool _ownsTarget;
    private long _droppedReported;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        switch (settings.Export)
        {
            case AuditExportTarget.Stdout:
                // Console.Out writes each call whole, so records and console log lines never interleave within a line.
                _target = Console.Out;
                break;
            case AuditExportTarget.File:
                // Appended to, and shared: a shipper may read it and logrotate's copytruncate may truncate it meanwhile.
                var file = new FileStream(settings.ExportFile!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete,
                    bufferSize: 64 * 1024, useAsync: true);
                _target = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
                _ownsTarget = true;
                break;
            default:
                return Task.CompletedTask;
        }

        LogExporting(logger, settings.Export.ToString().ToLowerInvariant(), settings.ExportFile ?? "");
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Records of requests that ended during shutdown are still written, then the writer stops by itself.
        queue.Complete();
        await using (cancellationToken.Register(_abandon.Cancel))
        {
            await base.StopAsync(cancellationToken);
        }

        if (_ownsTarget && _target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader!;
        var target = _target!;
        var abandon = _abandon.Token;
        try
        {
            while (await reader.WaitToReadAsync(abandon))
            {
                var batch = new List<AuditEvent>();
                while (batch.Count < 1000 && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await WriteAsync(target, batch, abandon);
                ReportDrops();
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Shutdown took too long to let the queue drain; what is left is in the log.
        }
    }

    private async Task WriteAsync(TextWriter target, List<AuditEvent> batch, CancellationToken ct)
    {
        try
        {
            var lines = new StringBuilder();
            foreach (var e in batch)
            {
                lines.Append(AuditJsonLine.Format(e)).Append('\n');
            }

            await target.WriteAsync(lines, ct);
            await target.FlushAsync(ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, batch.Count, ex.Message);
            foreach (var _ in batch)
            {
                queue.Dropped();
            }
        }
    }

    private void ReportDrops()
    {
        var dropped = queue.DroppedCount;
        if (dropped > _droppedReported)
        {
            LogDropped(logger, dropped - _droppedReported);
            _droppedReported = dropped;
        }
    }

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Exporting audit records as JSON lines to {Target} {File}")]
    private static partial void LogExporting(ILogger logger, string target, string file);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Dropped {Count} audit records from the export: its queue was full or a write failed (the log has them)")]
    private static partial void LogDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "Could not write {Count} audit records to the export: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);
}
