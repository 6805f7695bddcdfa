using System.ComponentModel.DataAnnotations;

namespace Plural.Silo.Hosting;

/// <summary>Orleans cluster membership of this silo. Section <c>Orleans</c>.</summary>
public sealed class OrleansOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Orleans";

    /// <summary>Identity of the service; must survive redeployments (grain state is keyed by it).</summary>
    [Required] public string ServiceId { get; set; } = "plural";

    /// <summary>Identity of this deployment of the cluster.</summary>
    [Required] public string ClusterId { get; set; } = "dev";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    /// <summary>Port external gateways (Orleans clients) connect to.</summary>
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>Co-host the gateway in the silo process (the default; set false for a silo-only process).</summary>
    public bool HostGateway { get; set; } = true;
}
