namespace Plural.Gateway.Cable;

/// <summary>One confirmed subscription of one connection to one topic.</summary>
internal sealed class CableSubscription(CableConnection connection, CableIdentifier identifier, CableTopic topic)
{
    private readonly byte[] _prefix = CableFrames.MessagePrefix(identifier.Raw);

    // The sequence of the last topic message this subscription has, so that a message replayed from the log and
    // then published by the topic's feed is sent once. Changed by the topic under its lock, or before attaching.
    private long _after = long.MinValue;

    public CableIdentifier Identifier => identifier;

    public CableTopic Topic => topic;

    /// <summary>Queues a topic message on the connection once, if its caller may see the agent it is about.</summary>
    public void Deliver(CableMessage message)
    {
        if (message.Sequence <= _after)
        {
            return;
        }

        _after = message.Sequence;
        if (connection.MaySee(message.AgentId))
        {
            connection.Enqueue(new CableFrame(_prefix, message.Payload));
        }
    }

    /// <summary>From now on only topic messages after <paramref name="sequence"/> are delivered.</summary>
    public void ContinueAfter(long sequence) => _after = sequence;

    /// <summary>Queues a message meant for this subscription only (snapshot, reset hint).</summary>
    public void Send(byte[] payload) => connection.Enqueue(new CableFrame(_prefix, payload));
}
