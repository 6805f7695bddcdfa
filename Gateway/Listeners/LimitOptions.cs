using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Listeners;

/// <summary>Abuse limits of one gateway. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
public sealed class LimitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Limits";

    /// <summary>Kubernetes proxy requests one user may have in flight at once (429 beyond).</summary>
    [Range(1, 100_000)] public int MaxConcurrentRequestsPerUser { get; set; } = 100;

    /// <summary>Kubernetes proxy requests one agent may be sent at once, from all users together (429 beyond).</summary>
    [Range(1, 100_000)] public int MaxConcurrentRequestsPerAgent { get; set; } = 400;

    /// <summary>The <c>Retry-After</c> a refused request is given.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest a request that is not a stream (watch, follow, exec, attach, port-forward, any upgrade) may take from
    /// start to end (504 before the response starts, a cut connection after). Kubernetes' own default is one minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest a request that is not a stream may go without a body byte moving either way, nor its response head.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RequestIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Total size of one request's headers on the HTTP listener (431 beyond).</summary>
    [Range(1024, 1024 * 1024)] public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Longest a client may take to send a request's headers before Kestrel closes the connection (slow-loris).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Slowest request body Kestrel accepts, in bytes per second averaged after a 5 s grace period (408 or a closed
    /// connection below it). Upgraded connections (exec, port-forward) are not subject to it.
    /// </summary>
    [Range(1, 1_000_000)] public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Agent session attempts (connections) one agent token may make per minute (ResourceExhausted beyond).</summary>
    [Range(1, 100_000)] public int MaxSessionsPerTokenPerMinute { get; set; } = 60;

    /// <summary>Tunnel streams (idle and busy) one agent may hold open on this gateway (ResourceExhausted beyond).</summary>
    [Range(1, 100_000)] public int MaxTunnelsPerAgent { get; set; } = 1000;
}
