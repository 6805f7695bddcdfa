using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Orleans;

/// <summary>How a standalone gateway reaches the silo cluster as an Orleans client. Section <c>Orleans</c>.</summary>
internal sealed class OrleansClientOptions
{
    /// <summary>Configuration section name (shared with the silo's own settings).</summary>
    public const string Section = "Orleans";

    /// <summary>Identity of the service; must match the silos'.</summary>
    [Required] public string ServiceId { get; set; } = "plural";

    /// <summary>Identity of the cluster deployment; must match the silos'.</summary>
    [Required] public string ClusterId { get; set; } = "dev";

    /// <summary>How the gateway finds silos.</summary>
    public ClusteringProvider ClusteringProvider { get; set; } = ClusteringProvider.Localhost;

    /// <summary>The local silo's gateway port, with <see cref="ClusteringProvider.Localhost"/> clustering.</summary>
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>How often the list of silos is re-read from the membership table; new silos get traffic after at most this long.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a grain call from this gateway may take. A call that a crashed silo was serving fails only after
    /// this long, so it bounds how long such requests hang; Orleans' own default is 30 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
