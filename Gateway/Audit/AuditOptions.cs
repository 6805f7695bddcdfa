using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Audit;

/// <summary>The audit trail of the Kubernetes proxy. Section <c>Gateway:Audit</c>.</summary>
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
}
