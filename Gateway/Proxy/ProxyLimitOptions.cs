using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Proxy;

/// <summary>The proxy's abuse limits and deadlines. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
internal sealed class ProxyLimitOptions
{
    /// <summary>Configuration section name, shared by the limits of every room.</summary>
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
}
