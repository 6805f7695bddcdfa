using Plural.Topology.Tests.Infrastructure;

namespace Plural.Topology.Tests.ClusterTls;

/// <summary>
/// Two silos and a gateway on Redis whose Orleans traffic is mutual TLS with certificates of one throwaway cluster CA.
/// The files are read again for every new connection, so a test can rotate them.
/// </summary>
public sealed class ClusterTlsFixture : IAsyncLifetime
{
    private const string ReadFilesForEveryConnection = "--Orleans:Tls:ReloadCheckInterval=00:00:00";
    private RedisServer? _redis;

    internal TestAuthority Authority { get; } = new("plural-test-cluster-ca");

    internal string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("plural-cluster-tls-").FullName;

    internal TopologyCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        Cluster = new TopologyCluster(new ClusterStore("Redis", _redis.ConnectionString), Authority.WriteClusterFiles(Directory));
        await Task.WhenAll(Cluster.StartSiloAsync(ReadFilesForEveryConnection), Cluster.StartSiloAsync(ReadFilesForEveryConnection));
        await Cluster.StartGatewayAsync("gw-tls", ReadFilesForEveryConnection);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
