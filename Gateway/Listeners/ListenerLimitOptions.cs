using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Listeners;

/// <summary>Limits Kestrel applies on every listener. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
internal sealed class ListenerLimitOptions
{
    /// <summary>Configuration section name, shared by the limits of every room.</summary>
    public const string Section = "Gateway:Limits";

    /// <summary>Total size of one request's headers on the HTTP listener (431 beyond).</summary>
    [Range(1024, 1024 * 1024)] public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Longest a client may take to send a request's headers before Kestrel closes the connection (slow-loris).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Slowest request body Kestrel accepts, in bytes per second averaged after a 5 s grace period (408 or a closed
    /// connection below it). Upgraded connections (exec, port-forward) are not subject to it.
    /// </summary>
    [Range(1, 1_000_000)] public double MinRequestBodyBytesPerSecond { get; set; } = 240;
}
