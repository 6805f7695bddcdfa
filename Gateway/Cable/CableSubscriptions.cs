using Plural.Gateway.Access;

namespace Plural.Gateway.Cable;

/// <summary>
/// The subscriptions of one connection: validating identifiers, attaching to topics (resuming with
/// <c>since</c> or starting from a snapshot), and giving topics back. Used only from the connection's receive
/// loop, then once at its end.
/// </summary>
internal sealed partial class CableSubscriptions(CableConnection connection, CableHub hub, CableOptions options, ILogger logger)
{
    // A snapshot the topic outran is read again this often; the last one is kept whatever happened meanwhile.
    private const int SnapshotAttempts = 3;

    private readonly Dictionary<string, CableSubscription> _active = new(StringComparer.Ordinal);

    public async Task SubscribeAsync(string raw, Caller caller, CancellationToken ct)
    {
        if (_active.ContainsKey(raw))
        {
            return; // The stock client repeats a subscribe until it sees the confirmation.
        }

        if (_active.Count >= options.MaxSubscriptionsPerConnection)
        {
            Reject(raw, $"a connection may hold at most {options.MaxSubscriptionsPerConnection} subscriptions");
            return;
        }

        if (CableIdentifier.TryParse(raw, out var error) is not { } identifier)
        {
            Reject(raw, error);
            return;
        }

        if (hub.Channel(identifier.Channel) is not { } channel)
        {
            Reject(raw, $"unknown channel {identifier.Channel}; channels: {string.Join(", ", hub.ChannelNames)}");
            return;
        }

        if (identifier.Agent is null && channel.RequiresAgent)
        {
            Reject(raw, $"{channel.Name} needs \"agent\"");
            return;
        }

        if (identifier.Agent is { } agent && !caller.MayAccess(agent))
        {
            Reject(raw, $"forbidden: {caller.User} may not see agent {agent}");
            return;
        }

        CableTopic topic;
        try
        {
            topic = await hub.AcquireAsync(channel, channel.KeyFor(identifier.Agent), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Reject(raw, "the cluster stream is unavailable; try again");
            return;
        }

        var subscription = new CableSubscription(connection, identifier, topic);
        try
        {
            if (identifier.Since is { } since)
            {
                connection.Enqueue(CableFrame.Whole(CableFrames.Confirm(raw)));
                var resumed = topic.Attach(subscription, since, identifier.Epoch);
                if (resumed.Resumed)
                {
                    _active[raw] = subscription;
                    LogResumed(logger, topic.Key.ToString(), since, resumed.Replayed);
                    return;
                }

                topic.Detach(subscription);
                var reason = ResetReason(identifier, topic);
                if (channel is ICableLogChannel log && identifier.Epoch == topic.Epoch)
                {
                    // Not in this gateway's buffer, but the platform's log numbers the messages alike everywhere.
                    var caughtUp = await CableLogCatchUp.RunAsync(log, subscription, since, ct);
                    if (caughtUp.Resumed)
                    {
                        _active[raw] = subscription;
                        LogResumedFromLog(logger, topic.Key.ToString(), since, caughtUp.Replayed);
                        return;
                    }

                    reason = caughtUp.Reason!;
                }

                subscription.Send(CableFrames.Reset(reason, topic.Sequence, topic.Epoch));
                if (!await StartFreshAsync(channel, subscription, caller, ct))
                {
                    hub.Release(topic);
                    return;
                }
            }
            else if (!await StartFreshAsync(channel, subscription, caller, ct, confirmFirst: true))
            {
                hub.Release(topic);
                return;
            }
        }
        catch
        {
            topic.Detach(subscription);
            hub.Release(topic);
            throw;
        }

        _active[raw] = subscription;
    }

    /// <summary>Confirms (when asked), sends the snapshot, then attaches from the snapshot's sequence on.</summary>
    private async Task<bool> StartFreshAsync(ICableChannel channel, CableSubscription subscription, Caller caller,
        CancellationToken ct, bool confirmFirst = false)
    {
        var topic = subscription.Topic;
        for (var attempt = 1; ; attempt++)
        {
            var sequence = topic.Sequence;
            CableSnapshot snapshot;
            try
            {
                snapshot = await channel.SnapshotAsync(caller, subscription.Identifier.Agent, sequence, topic.Epoch, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSnapshotFailed(logger, topic.Key.ToString(), ex);
                snapshot = CableSnapshot.Refused("the current state could not be read; try again");
            }

            if (snapshot.Payload is null)
            {
                Reject(subscription.Identifier.Raw, snapshot.Refusal ?? "refused");
                return false;
            }

            if (confirmFirst && attempt == 1)
            {
                connection.Enqueue(CableFrame.Whole(CableFrames.Confirm(subscription.Identifier.Raw)));
            }

            subscription.Send(snapshot.Payload);
            // Messages published while the snapshot was read are replayed from the buffer, after it.
            if (topic.Attach(subscription, sequence, topic.Epoch).Resumed || attempt == SnapshotAttempts)
            {
                return true;
            }

            // The buffer no longer reaches back to the snapshot (the feed had a gap, or a flood, meanwhile): say so
            // and start over rather than go on with a hole after the snapshot.
            topic.Detach(subscription);
            subscription.Send(CableFrames.Reset("the topic moved on while its snapshot was read", topic.Sequence, topic.Epoch));
        }
    }

    private static string ResetReason(CableIdentifier identifier, CableTopic topic) => identifier.Epoch != topic.Epoch
        ? topic.Epoch == CableTopic.LogEpoch
            ? $"epoch is not \"{CableTopic.LogEpoch}\": this channel is numbered by the platform's event log on every gateway"
            : "epoch is not this gateway's current one (another gateway, or the topic lapsed)"
        : "since is older than the replay buffer";

    public void Unsubscribe(string raw)
    {
        if (_active.Remove(raw, out var subscription))
        {
            subscription.Topic.Detach(subscription);
            hub.Release(subscription.Topic);
        }
    }

    private void Reject(string raw, string reason)
    {
        LogRejected(logger, connection.Caller.User, reason);
        connection.Enqueue(CableFrame.Whole(CableFrames.Reject(raw, reason)));
    }

    /// <summary>Detaches every subscription and gives its topic back.</summary>
    public void ReleaseAll()
    {
        foreach (var subscription in _active.Values)
        {
            subscription.Topic.Detach(subscription);
            hub.Release(subscription.Topic);
        }

        _active.Clear();
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Cable subscription of {User} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Debug, Message = "Cable topic {Topic} resumed after {Since}: {Replayed} messages replayed")]
    private static partial void LogResumed(ILogger logger, string topic, long since, int replayed);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Debug, Message = "Cable topic {Topic} resumed after {Since} from the platform's log: {Replayed} messages replayed")]
    private static partial void LogResumedFromLog(ILogger logger, string topic, long since, int replayed);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Could not read the snapshot of cable topic {Topic}")]
    private static partial void LogSnapshotFailed(ILogger logger, string topic, Exception exception);
}
