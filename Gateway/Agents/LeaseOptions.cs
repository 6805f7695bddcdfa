namespace Plural.Gateway.Agents;

/// <summary>How a gateway advertises its agent connections to the cluster. Section <c>Gateway:Leases</c>.</summary>
internal sealed class LeaseOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Leases";

    /// <summary>A lease not renewed for this long lapses: the agent counts as disconnected from this gateway.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How often leases are renewed; must be well below <see cref="TimeToLive"/>.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}
