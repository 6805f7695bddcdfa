using System.ComponentModel.DataAnnotations;
using Plural.Gateway.Orleans;

namespace Plural.Silo.Hosting;

/// <summary>Orleans cluster membership, state and reminders of this silo. Section <c>Orleans</c>.</summary>
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

    /// <summary>How silos find each other.</summary>
    public ClusteringProvider ClusteringProvider { get; set; } = ClusteringProvider.Localhost;

    /// <summary>Where grain state (and the stream provider's subscriptions) is kept.</summary>
    public StorageProvider StorageProvider { get; set; } = StorageProvider.Memory;

    /// <summary>Where reminders are kept.</summary>
    public StorageProvider ReminderProvider { get; set; } = StorageProvider.Memory;

    /// <summary>
    /// Address other silos and gateways use to reach this silo, with a clustering other than localhost.
    /// Default: env <c>POD_IP</c>, else the host's first address.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Name of this silo in membership and logs. Default: env <c>POD_NAME</c>, else Orleans' generated name.</summary>
    public string? SiloName { get; set; }

    /// <summary>Apply the PostgreSQL schema scripts at start (when any provider is Postgres) instead of by <c>migrate</c>.</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>
    /// Use Orleans' Kubernetes hosting: the silo reads its identity from the pod and deletes pods of silos
    /// declared dead. It supplements the clustering provider; needs the RBAC in deploy/kubernetes.
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>How long a liveness probe to another silo may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the silo's stream pulling agents read their queues: while the cluster is idle, the most a cluster
    /// event or status change waits on the Orleans stream hop. Each silo reads its share of 8 queues this often.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")] public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Missed probes after which a silo is suspected and voted dead.</summary>
    [Range(1, 10)] public int NumMissedProbesLimit { get; set; } = 3;
}
