namespace Plural.Topology.Tests.Infrastructure;

/// <summary>Two silos and two gateways on Redis, ten agents.</summary>
public sealed class RedisTopologyFixture : TopologyFixture
{
    private RedisServer? _redis;

    internal override int SiloCount => 2;

    protected override int AgentCount => 10;

    internal override async Task<ClusterStore> StartStoreAsync()
    {
        _redis = await RedisServer.StartAsync();
        return new ClusterStore("Redis", _redis.ConnectionString);
    }

    protected override async ValueTask StopStoreAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisTopologyCollection : ICollectionFixture<RedisTopologyFixture>
{
    public const string Name = "redis topology";
}
