using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.ClusterViews;

/// <summary>Cached and fleet queries. Bound from <c>Gateway:Cluster</c>.</summary>
internal sealed class ClusterQueryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Cluster";

    /// <summary>How long one agent has to answer a cached query when the call sets no timeout.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long each agent has to answer a fleet query when the call sets no timeout.</summary>
    public TimeSpan FleetTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest timeout a call may ask for.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Agents a fleet query asks at once.</summary>
    [Range(1, 10_000)] public int FleetConcurrency { get; set; } = 256;
}
