using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using Orleans.Providers;
using Plural.Gateway.Orleans;
using Plural.Grains.Streams;
using StackExchange.Redis;

namespace Plural.Silo.Hosting;

/// <summary>Applies the clustering, storage and reminder choices of <see cref="OrleansOptions"/> to a silo.</summary>
internal static class SiloProviderExtensions
{
    /// <summary>Membership and this silo's endpoints.</summary>
    public static ISiloBuilder UsePluralClustering(this ISiloBuilder silo, OrleansOptions options, IConfiguration configuration)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = options.ServiceId;
            o.ClusterId = options.ClusterId;
        });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = options.ProbeTimeout;
            o.NumMissedProbesLimit = options.NumMissedProbesLimit;
        });
        if (SiloName(options) is { } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        if (options.ClusteringProvider == ClusteringProvider.Localhost)
        {
            return silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        // Listen on every interface, advertise the one address peers can reach (the pod IP in Kubernetes).
        if (AdvertisedAddress(options) is { } advertised)
        {
            silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
        }

        if (options.ClusteringProvider == ClusteringProvider.Postgres)
        {
            var connectionString = ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "Orleans:ClusteringProvider=Postgres");
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = ClusterConnectionStrings.PostgresInvariant;
                o.ConnectionString = connectionString;
            });
        }
        else
        {
            silo.UseRedisClustering(ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Redis, "Orleans:ClusteringProvider=Redis"));
        }

        if (options.KubernetesHosting)
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    /// <summary>The default grain storage and the stream provider's <c>PubSubStore</c>, on the same provider.</summary>
    public static ISiloBuilder AddPluralStorage(this ISiloBuilder silo, OrleansOptions options, IConfiguration configuration)
    {
        foreach (var name in new[] { ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, StreamNames.PubSubStore })
        {
            switch (options.StorageProvider)
            {
                case StorageProvider.Memory:
                    silo.AddMemoryGrainStorage(name);
                    break;
                case StorageProvider.Postgres:
                    var postgres = ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "Orleans:StorageProvider=Postgres");
                    silo.AddAdoNetGrainStorage(name, o =>
                    {
                        o.Invariant = ClusterConnectionStrings.PostgresInvariant;
                        o.ConnectionString = postgres;
                    });
                    break;
                case StorageProvider.Redis:
                    var redis = ConfigurationOptions.Parse(ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Redis, "Orleans:StorageProvider=Redis"));
                    silo.AddRedisGrainStorage(name, o => o.ConfigurationOptions = redis);
                    break;
            }
        }

        return silo;
    }

    /// <summary>The reminder service.</summary>
    public static ISiloBuilder UsePluralReminders(this ISiloBuilder silo, OrleansOptions options, IConfiguration configuration)
    {
        switch (options.ReminderProvider)
        {
            case StorageProvider.Postgres:
                var postgres = ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "Orleans:ReminderProvider=Postgres");
                return silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = ClusterConnectionStrings.PostgresInvariant;
                    o.ConnectionString = postgres;
                });
            case StorageProvider.Redis:
                var redis = ConfigurationOptions.Parse(ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Redis, "Orleans:ReminderProvider=Redis"));
                return silo.UseRedisReminderService(o => o.ConfigurationOptions = redis);
            default:
                return silo.UseInMemoryReminderService();
        }
    }

    private static IPAddress? AdvertisedAddress(OrleansOptions options)
    {
        var text = !string.IsNullOrWhiteSpace(options.AdvertisedAddress) ? options.AdvertisedAddress : Environment.GetEnvironmentVariable("POD_IP");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return IPAddress.TryParse(text, out var address) ? address
            : throw new Microsoft.Extensions.Options.OptionsValidationException(nameof(OrleansOptions.AdvertisedAddress), typeof(OrleansOptions),
                [$"The advertised silo address '{text}' (Orleans:AdvertisedAddress or env POD_IP) is not an IP address."]);
    }

    private static string? SiloName(OrleansOptions options)
    {
        var name = !string.IsNullOrWhiteSpace(options.SiloName) ? options.SiloName : Environment.GetEnvironmentVariable("POD_NAME");
        return string.IsNullOrWhiteSpace(name) ? null : name;
    }
}
