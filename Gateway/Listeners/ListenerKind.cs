namespace Plural.Gateway.Listeners;

/// <summary>The gateway's listeners. Each endpoint is reachable on exactly one of them.</summary>
public enum ListenerKind
{
    /// <summary>Agent gRPC (session and tunnels).</summary>
    Agent,
    /// <summary><c>ServerApi</c> gRPC for the main application.</summary>
    Api,
    /// <summary>User-facing HTTP: the proxies, <c>/cable</c>, the dashboard.</summary>
    Http,
    /// <summary>
    /// Probes, metrics and admin calls (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, <c>/admin/*</c>): for the
    /// kubelet, Prometheus and operators, never routed from the internet.
    /// </summary>
    Operations,
}
