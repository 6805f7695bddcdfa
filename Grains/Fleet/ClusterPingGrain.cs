using Orleans.Concurrency;

namespace Plural.Grains.Fleet;

/// <inheritdoc cref="IClusterPingGrain"/>
[StatelessWorker]
public sealed class ClusterPingGrain(ILocalSiloDetails silo) : Grain, IClusterPingGrain
{
    public Task<string> Ping() => Task.FromResult(silo.SiloAddress.ToString());
}
