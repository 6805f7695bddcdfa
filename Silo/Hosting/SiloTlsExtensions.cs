using Orleans;
using Orleans.Configuration;
using Plural.Gateway.Orleans;

namespace Plural.Silo.Hosting;

/// <summary>Mutual TLS on the silo's two Orleans endpoints (silo-to-silo and the gateway endpoint) and its outbound silo connections.</summary>
internal static class SiloTlsExtensions
{
    /// <summary>Applies <c>Orleans:Tls</c> when it is on for this silo's clustering (see <see cref="OrleansTlsServiceCollectionExtensions"/>).</summary>
    public static ISiloBuilder UsePluralTls(this ISiloBuilder silo, OrleansOptions options, IConfiguration configuration)
    {
        if (!silo.Services.AddOrleansTls(configuration, options.ClusteringProvider, serves: true))
        {
            return silo;
        }

        // What UseTls does, configured through the container: UseTls fixes its options before the reloading
        // credentials (and their logger) exist.
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<ClusterTls>((connections, tls) =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls.Inbound()));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls.Inbound()));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls.Outbound()));
        });
        return silo;
    }
}
