namespace Plural.Grains.Tokens;

/// <inheritdoc cref="ITokenRevocationHubGrain"/>
/// <remarks>
/// Observers are soft state: after a deactivation the list is empty until the gateways renew, and lease renewals
/// refuse revoked tokens meanwhile.
/// </remarks>
public sealed class TokenRevocationHubGrain(TimeProvider clock) : Grain, ITokenRevocationHubGrain
{
    private readonly Dictionary<ITokenRevocationObserver, DateTimeOffset> _observers = [];

    public Task Subscribe(ITokenRevocationObserver observer)
    {
        _observers[observer] = clock.GetUtcNow() + ITokenRevocationHubGrain.ObserverTimeToLive;
        return Task.CompletedTask;
    }

    public async Task Publish(AgentTokenRevoked revoked)
    {
        var now = clock.GetUtcNow();
        foreach (var (observer, _) in _observers.Where(o => o.Value <= now).ToList())
        {
            _observers.Remove(observer);
        }

        // One-way calls return at once; a gateway that died since its last renewal costs nothing.
        await Task.WhenAll(_observers.Keys.Select(observer => observer.OnRevoked(revoked)));
    }
}
