using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary>The admin credentials' raw route to an agent's upstream, <c>/agents/{agent}/proxy</c>. Section <c>Gateway:AdminProxy</c>.</summary>
internal sealed class AdminProxyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:AdminProxy";

    /// <summary>
    /// Whether admin credentials may use the route, which reaches the cluster as the agent's own service account
    /// rather than as a user the cluster's RBAC judges. Unset: only under <c>Gateway:AllowInsecure</c> (tests, local
    /// experiments). The private hop between gateways uses the same path and is not affected.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>True when admin credentials may use the route on a gateway configured with <paramref name="gateway"/>.</summary>
    public bool IsEnabled(GatewayOptions gateway) => Enabled ?? gateway.AllowInsecure;
}
