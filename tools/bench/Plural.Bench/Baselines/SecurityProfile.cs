namespace Plural.Bench.Baselines;

/// <summary>
/// Whether the routes carry plain text or TLS. <c>plain</c>: every hop in plain text except ssh, which always encrypts.
/// <c>tls</c>: the gateway serves TLS on its agent and HTTP listeners (the agent dials it over TLS), both nghttpx
/// proxies serve TLS and speak TLS between them, ssh as it is; the upstream (and so the direct route) stays plain.
/// </summary>
public enum SecurityProfile
{
    /// <summary>Plain text wherever the route allows it.</summary>
    Plain,

    /// <summary>TLS on every hop a proxy or the tunnel adds.</summary>
    Tls,
}
