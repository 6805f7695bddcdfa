namespace Plural.Gateway.Cable;

/// <summary>One confirmed subscription of one connection to one topic.</summary>
internal sealed class CableSubscription(CableConnection connection, CableIdentifier identifier, CableTopic topic)
{
    private readonly byte[] _prefix = CableFrames.MessagePrefix(identifier.Raw);

    public CableIdentifier Identifier => identifier;

    public CableTopic Topic => topic;

    /// <summary>Queues a topic message on the connection, if its caller may see the agent it is about.</summary>
    public void Deliver(CableMessage message)
    {
        if (connection.MaySee(message.AgentId))
        {
            connection.Enqueue(new CableFrame(_prefix, message.Payload));
        }
    }

    /// <summary>Queues a message meant for this subscription only (snapshot, reset hint).</summary>
    public void Send(byte[] payload) => connection.Enqueue(new CableFrame(_prefix, payload));
}
