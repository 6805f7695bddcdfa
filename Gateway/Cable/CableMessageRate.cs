namespace Plural.Gateway.Cable;

/// <summary>
/// Token bucket over the commands of one cable connection: <see cref="CableOptions.MessageBurst"/> commands at once,
/// refilled at <see cref="CableOptions.MessagesPerSecond"/>. Only the connection's receive loop takes from it, so it
/// needs no locking.
/// </summary>
internal sealed class CableMessageRate(int perSecond, int burst, TimeProvider clock)
{
    private double _tokens = burst;
    private long _refilledAt = clock.GetTimestamp();

    /// <summary>Takes one token; false when the connection is over its rate.</summary>
    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
        _refilledAt = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
