using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Audit;

/// <summary>The audit trail of the proxy routes. Section <c>Gateway:Audit</c>.</summary>
internal sealed class AuditOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Audit";

    /// <summary>How often a gateway sends its buffered audit events to the agents' audit grains.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Events a gateway buffers between flushes; past it the oldest are dropped from the grains' copy (never from the
    /// log) and counted, so a slow silo cannot make the proxy wait or grow without bound.
    /// </summary>
    [Range(100, 1_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Where records are also written as JSON lines for a log shipper: none, stdout or file.</summary>
    public AuditExportTarget Export { get; set; } = AuditExportTarget.None;

    /// <summary>The file records are appended to when <see cref="Export"/> is <see cref="AuditExportTarget.File"/>.</summary>
    public string? ExportFile { get; set; }

    /// <summary>
    /// Records waiting to be written to the export; past it new records are dropped from the export (never from the
    /// log) and counted, so a slow disk or a blocked stdout never makes a request wait.
    /// </summary>
    [Range(100, 1_000_000)]
    public int ExportQueueCapacity { get; set; } = 10_000;
}
