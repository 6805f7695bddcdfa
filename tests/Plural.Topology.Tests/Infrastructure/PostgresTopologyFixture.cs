namespace Plural.Topology.Tests.Infrastructure;

/// <summary>Three silos and two gateways on PostgreSQL, fifty agents.</summary>
public sealed class PostgresTopologyFixture : TopologyFixture
{
    private PostgresServer? _postgres;

    internal override int SiloCount => 3;

    protected override int AgentCount => 50;

    internal PostgresServer Postgres => _postgres!;

    internal override async Task<ClusterStore> StartStoreAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        await _postgres.CreateDatabaseAsync("plural");
        return new ClusterStore("Postgres", _postgres.ConnectionString("plural"));
    }

    protected override async ValueTask StopStoreAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTopologyCollection : ICollectionFixture<PostgresTopologyFixture>
{
    public const string Name = "postgres topology";
}
