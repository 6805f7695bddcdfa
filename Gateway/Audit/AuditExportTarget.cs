namespace Plural.Gateway.Audit;

/// <summary>Where a gateway writes its audit records as JSON lines (<c>Gateway:Audit:Export</c>).</summary>
internal enum AuditExportTarget
{
    /// <summary>No export; the log (event 4301) and the grains' copy only.</summary>
    None,

    /// <summary>Standard output, one line per record, between the console log's lines.</summary>
    Stdout,

    /// <summary>The file <c>Gateway:Audit:ExportFile</c>, appended to.</summary>
    File,
}
