using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Plural.Grains.Streams;

namespace Plural.Gateway.Orleans;

/// <summary>Makes a standalone gateway an Orleans client of the silo cluster chosen in configuration.</summary>
internal static class OrleansClientHostingExtensions
{
    /// <summary>
    /// Adds the Orleans client: clustering from <c>Orleans:ClusteringProvider</c>, the platform's stream provider, and
    /// reconnection that keeps trying while the whole silo cluster restarts, and mutual TLS to the silos (<c>Orleans:Tls</c>).
    /// </summary>
    public static WebApplicationBuilder AddPluralOrleansClient(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansClientOptions.Section).Get<OrleansClientOptions>() ?? new OrleansClientOptions();
        builder.Services.AddOptions<OrleansClientOptions>().BindConfiguration(OrleansClientOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.GatewayListRefreshPeriod > TimeSpan.Zero, "Orleans:GatewayListRefreshPeriod must be positive")
            .Validate(o => o.ResponseTimeout > TimeSpan.Zero, "Orleans:ResponseTimeout must be positive")
            .ValidateOnStart();
        var configuration = builder.Configuration;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = options.ServiceId;
                o.ClusterId = options.ClusterId;
            });
            switch (options.ClusteringProvider)
            {
                case ClusteringProvider.Localhost:
                    client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                    break;
                case ClusteringProvider.Postgres:
                    var postgres = ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "Orleans:ClusteringProvider=Postgres");
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = ClusterConnectionStrings.PostgresInvariant;
                        o.ConnectionString = postgres;
                    });
                    break;
                case ClusteringProvider.Redis:
                    client.UseRedisClustering(ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Redis, "Orleans:ClusteringProvider=Redis"));
                    break;
                default:
                    throw new OptionsValidationException(nameof(OrleansClientOptions.ClusteringProvider), typeof(OrleansClientOptions),
                        [$"Orleans:ClusteringProvider '{options.ClusteringProvider}' is not one of Localhost, Postgres, Redis."]);
            }

            client.Configure<global::Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            // A gateway outlives silo restarts: it keeps retrying instead of giving up and crashing.
            client.UseConnectionRetryFilter<WaitForClusterRetryFilter>();
            client.AddMemoryStreams(StreamNames.Provider);
        });
        if (builder.Services.AddOrleansTls(configuration, options.ClusteringProvider, serves: false))
        {
            // Configured through the container rather than UseTls, which fixes its options before the credentials
            // (and their logger) exist; the result is the same client TLS middleware.
            builder.Services.AddOptions<ClientConnectionOptions>().Configure<ClusterTls>((connections, tls) =>
                connections.ConfigureConnection(connection => connection.UseClientTls(tls.Outbound())));
        }

        return builder;
    }
}
