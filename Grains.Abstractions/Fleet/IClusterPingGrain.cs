namespace Plural.Grains.Fleet;

/// <summary>
/// Answers on whichever silo receives the call (a stateless worker, key 0): what a gateway's readiness asks, so that
/// "the cluster answers" never depends on the one silo that happens to host some particular grain.
/// </summary>
[Alias("plural.fleet.IClusterPingGrain")]
public interface IClusterPingGrain : IGrainWithIntegerKey
{
    /// <summary>The address of the silo that answered.</summary>
    [Alias("Ping")]
    Task<string> Ping();
}
