using Microsoft.Extensions.Logging;
using Plural.Grains.Streams;

namespace Plural.Grains.Agents;

/// <summary>
/// Publishes an agent's connected/disconnected transitions, and changes of a connected agent's health conditions, on
/// the agent-status streams. Leases lapse without
/// any call reaching the grain, so while the agent is connected a timer looks for the moment the last one
/// expires. Grain-owned: every method runs on the grain's scheduler. After the timer saw the last lease lapse it calls
/// the grain's <c>lapsed</c>, for the grain to update what it keeps elsewhere (its directory listing).
/// </summary>
internal sealed partial class AgentStatusAnnouncer(Grain grain, LeaseTable leases, TimeProvider clock, ILogger logger, Func<Task> lapsed)
{
    private bool _connected;
    private IGrainTimer? _expiryTimer;
    private (string GatewayId, string InstanceId) _last = ("", "");

    /// <summary>
    /// Announces a transition if the live leases say the agent's reachability changed at <paramref name="now"/>,
    /// the caller's own reading of the clock: leases expire relative to it, so a lapse is never announced
    /// earlier than a time to live after the renewal that made the agent connected. <paramref name="conditions"/> are those
    /// the renewal carried; with <paramref name="conditionsChanged"/> a connected agent that stays connected is announced
    /// again, with them.
    /// </summary>
    public async Task UpdateAsync(string gatewayId, string instanceId, TimeSpan leaseTimeToLive, DateTimeOffset now,
        IReadOnlyList<AgentHealthCondition>? conditions = null, bool conditionsChanged = false)
    {
        _last = (gatewayId, instanceId);
        var connected = leases.AnyLive(now);
        if (connected && _expiryTimer is null)
        {
            // A third of the time to live: a lapsed lease shows within 1.33 TTL at worst.
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(250).Ticks, leaseTimeToLive.Ticks / 3));
            _expiryTimer = grain.RegisterGrainTimer(CheckExpiryAsync,
                new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        }

        if (connected == _connected)
        {
            if (connected && conditionsChanged)
            {
                await PublishAsync(new AgentStatusChanged(grain.GetPrimaryKeyString(), true, gatewayId, instanceId, now, conditions, ConditionsOnly: true));
            }

            return;
        }

        _connected = connected;
        if (!connected)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
        }

        await PublishAsync(new AgentStatusChanged(grain.GetPrimaryKeyString(), connected, gatewayId, instanceId, now, connected ? conditions : null));
    }

    private async Task PublishAsync(AgentStatusChanged change)
    {
        try
        {
            var provider = grain.GetStreamProvider(StreamNames.Provider);
            await provider.GetStream<AgentStatusChanged>(StreamId.Create(StreamNames.AgentStatus, change.AgentId)).OnNextAsync(change);
            await provider.GetStream<AgentStatusChanged>(StreamId.Create(StreamNames.AgentStatus, AgentStatusChanged.FleetKey)).OnNextAsync(change);
        }
        catch (Exception ex)
        {
            // Status is also readable from the grain; a lost notification must never fail a lease renewal.
            LogPublishFailed(logger, change.AgentId, ex);
        }
    }

    private async Task CheckExpiryAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_connected && !leases.AnyLive(now))
        {
            await UpdateAsync(_last.GatewayId, _last.InstanceId, TimeSpan.Zero, now);
            await lapsed();
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Could not publish the status change of agent {AgentName}")]
    private static partial void LogPublishFailed(ILogger logger, string agentName, Exception exception);
}
